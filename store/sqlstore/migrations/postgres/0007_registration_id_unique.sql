-- authcore schema, version 7 (PostgreSQL): a registration's id is unique
-- across all registrations, as FusionAuth's is (it names the registration).
-- Before, a registration could be created with another's id, and both were
-- stored. Of each id a database holds more than once, the registration
-- inserted first (insert_instant, then user and application id) keeps it;
-- every other gets a fresh random UUID (gen_random_uuid, PostgreSQL 13 and
-- later), in its column and in its document, before the index is built.
-- The materialised CTE draws each new id once, for both (and, unlike a
-- temporary table, needs no TEMP privilege).
--
-- The document's id is replaced as text: the store writes the document
-- compact, its id first, and reads data maps' numbers exactly only from
-- compact text (decodeDoc), which jsonb's output is not. A document that does
-- not start with its id (none the store wrote) goes through jsonb_set
-- instead, and keeps jsonb's spacing.
WITH renumbered AS MATERIALIZED (
	SELECT user_id, application_id, gen_random_uuid()::text AS new_id
	FROM (SELECT user_id, application_id,
			ROW_NUMBER() OVER (PARTITION BY id ORDER BY insert_instant, user_id, application_id) AS n
		FROM registrations) AS ranked
	WHERE n > 1
)
UPDATE registrations SET id = r.new_id,
	doc = CASE
		WHEN left(registrations.doc, length(registrations.id) + 8) = '{"id":"' || registrations.id || '"'
			THEN '{"id":"' || r.new_id || '"' || substr(registrations.doc, length(registrations.id) + 9)
		ELSE jsonb_set(registrations.doc::jsonb, '{id}', to_jsonb(r.new_id))::text
	END
	FROM renumbered AS r
	WHERE registrations.user_id = r.user_id AND registrations.application_id = r.application_id;
CREATE UNIQUE INDEX registrations_id_key ON registrations (id);
