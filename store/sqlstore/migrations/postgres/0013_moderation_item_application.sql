-- authcore schema, version 13 (PostgreSQL): a registration's moderation item
-- names its application in a column, so that deleting the registration or
-- its application deletes the item in the same transaction. Before, the
-- item stayed until a moderator decided it or a resubmission found the
-- registration gone. The column is filled from the document (NULL for a
-- user's own username); the items of registrations deleted before (none can
-- come back: a new registration gets a new content id) go. No foreign key,
-- as for user_id (0012): a registration's create stores its username's item
-- before the registration.
-- A username holding U+0000 is read as in 0012: each \u0000 escape is made
-- \ufffd before the cast, which PostgreSQL's JSON types would refuse.
ALTER TABLE moderation_items ADD COLUMN application_id TEXT COLLATE "C";
UPDATE moderation_items SET application_id = NULLIF(replace(doc, E'\\u0000', E'\\ufffd')::jsonb ->> 'applicationId', '');
DELETE FROM moderation_items WHERE application_id IS NOT NULL AND NOT EXISTS (
	SELECT 1 FROM registrations r WHERE r.user_id = moderation_items.user_id AND r.application_id = moderation_items.application_id);
CREATE INDEX moderation_items_application ON moderation_items (application_id);
