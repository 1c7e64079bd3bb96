-- authcore schema, version 6 (SQLite): a registration's id is unique across
-- all registrations, as FusionAuth's is (it names the registration). Before,
-- a registration could be created with another's id, and both were stored.
-- Of each id a database holds more than once, the registration inserted first
-- (insert_instant, then user and application id) keeps it; every other gets
-- a fresh random UUID (version 4), in its column and in its document, before
-- the index is built. The new ids are drawn into a temporary table first,
-- so that the column and the document get the same one. json_set writes the
-- document back compact and keeps each number's text, as the store writes it.
CREATE TEMP TABLE registration_new_ids AS
	SELECT user_id, application_id,
		lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
			substr('89ab', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) AS new_id
	FROM (SELECT user_id, application_id,
			ROW_NUMBER() OVER (PARTITION BY id ORDER BY insert_instant, user_id, application_id) AS n
		FROM registrations)
	WHERE n > 1;
UPDATE registrations SET id = r.new_id, doc = json_set(registrations.doc, '$.id', r.new_id)
	FROM temp.registration_new_ids AS r
	WHERE registrations.user_id = r.user_id AND registrations.application_id = r.application_id;
DROP TABLE temp.registration_new_ids;
CREATE UNIQUE INDEX registrations_id_key ON registrations (id);
