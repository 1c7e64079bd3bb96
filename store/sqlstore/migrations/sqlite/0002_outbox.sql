-- authcore schema, version 2 (SQLite): the transactional outbox, its relay
-- lease, and usernames waiting for a CleanSpeak moderator.

-- Events are appended by the transaction that makes the change they
-- describe and deleted once published. seq orders them (AUTOINCREMENT: never
-- reused, even after the newest row is deleted).
CREATE TABLE outbox_events (
	seq            INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	id             TEXT    NOT NULL,
	type           TEXT    NOT NULL,
	event_key      TEXT    NOT NULL,
	insert_instant INTEGER NOT NULL,
	payload        TEXT    NOT NULL
);

-- The one relay lease; SQLite's single writer serialises the claims.
CREATE TABLE outbox_lease (
	id          INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
	owner       TEXT    NOT NULL,
	lease_until INTEGER NOT NULL
);
INSERT INTO outbox_lease (id, owner, lease_until) VALUES (1, '', 0);

CREATE TABLE moderation_items (
	content_id TEXT NOT NULL PRIMARY KEY,
	doc        TEXT NOT NULL
);
