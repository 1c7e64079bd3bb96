-- authcore schema, version 12 (PostgreSQL): a moderation item names its user
-- in a column, so that deleting the user (or its tenant) deletes its items
-- in the same transaction. Before, a deleted user's pending usernames stayed
-- until a moderator decided them or a resubmission found the user gone.
-- The column is filled from the document; the items of users deleted before
-- (none can come back) go. No foreign key: a user's create stores its
-- username's item before the user, and the store deletes the items itself,
-- before the user, in the order a moderator's decision locks them.
-- A registration's username may hold U+0000 (written \u0000 in the
-- document), which PostgreSQL's json and jsonb refuse to read: each such
-- escape is made \ufffd first, six characters for six, which is JSON still
-- wherever it stands (a literal backslash's second character followed by
-- "u0000" becomes one followed by "ufffd"), and no user id holds one.
ALTER TABLE moderation_items ADD COLUMN user_id TEXT COLLATE "C";
UPDATE moderation_items SET user_id = replace(doc, E'\\u0000', E'\\ufffd')::jsonb ->> 'userId';
DELETE FROM moderation_items WHERE user_id IS NULL OR NOT EXISTS (SELECT 1 FROM users WHERE users.id = moderation_items.user_id);
CREATE INDEX moderation_items_user ON moderation_items (user_id);
