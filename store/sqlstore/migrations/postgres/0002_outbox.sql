-- authcore schema, version 2 (PostgreSQL): the transactional outbox, its
-- relay lease, and usernames waiting for a CleanSpeak moderator.

-- Events are appended by the transaction that makes the change they
-- describe and deleted once published. seq orders them.
CREATE TABLE outbox_events (
	seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id             TEXT COLLATE "C" NOT NULL,
	type           TEXT COLLATE "C" NOT NULL,
	event_key      TEXT COLLATE "C" NOT NULL,
	insert_instant BIGINT NOT NULL,
	payload        TEXT   NOT NULL
);

-- The one relay lease. The row always exists, so a relay can lock it with
-- SELECT ... FOR UPDATE SKIP LOCKED and never wait for another relay.
CREATE TABLE outbox_lease (
	id          INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
	owner       TEXT COLLATE "C" NOT NULL,
	lease_until BIGINT NOT NULL
);
INSERT INTO outbox_lease (id, owner, lease_until) VALUES (1, '', 0);

CREATE TABLE moderation_items (
	content_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	doc        TEXT NOT NULL
);
