-- authcore schema, version 1 (PostgreSQL).
-- Each aggregate is one JSON document (doc, TEXT rather than JSONB so that any
-- string Go can encode is accepted, \u0000 included) plus the columns that
-- carry an index, a uniqueness rule or a foreign key. Lower-cased e-mail,
-- username and tenant name are computed by the store (Go's strings.ToLower)
-- so that uniqueness is case-insensitive; NULL when empty, so that users
-- without an e-mail or username never collide. Key columns use the "C"
-- collation: ORDER BY sorts by bytes, as the other stores do.

CREATE TABLE tenants (
	id             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	name_lower     TEXT COLLATE "C" NOT NULL,
	insert_instant BIGINT NOT NULL,
	doc            TEXT   NOT NULL
);
CREATE UNIQUE INDEX tenants_name_key ON tenants (name_lower);

CREATE TABLE applications (
	id             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	tenant_id      TEXT COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	insert_instant BIGINT NOT NULL,
	doc            TEXT   NOT NULL
);
CREATE INDEX applications_tenant ON applications (tenant_id);

CREATE TABLE users (
	id             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	tenant_id      TEXT COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	email_lower    TEXT COLLATE "C",
	username_lower TEXT COLLATE "C",
	insert_instant BIGINT NOT NULL,
	doc            TEXT   NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (tenant_id, email_lower);
CREATE UNIQUE INDEX users_username_key ON users (tenant_id, username_lower);

CREATE TABLE registrations (
	user_id        TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	application_id TEXT COLLATE "C" NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
	id             TEXT COLLATE "C" NOT NULL,
	insert_instant BIGINT NOT NULL,
	doc            TEXT   NOT NULL,
	CONSTRAINT registrations_pkey PRIMARY KEY (user_id, application_id)
);
CREATE INDEX registrations_application ON registrations (application_id);

CREATE TABLE links (
	tenant_id        TEXT COLLATE "C" NOT NULL,
	provider_id      TEXT COLLATE "C" NOT NULL,
	provider_user_id TEXT COLLATE "C" NOT NULL,
	user_id          TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	insert_instant   BIGINT NOT NULL,
	doc              TEXT   NOT NULL,
	CONSTRAINT links_pkey PRIMARY KEY (tenant_id, provider_id, provider_user_id)
);
CREATE INDEX links_user ON links (user_id);
CREATE INDEX links_provider ON links (provider_id);

-- Pending links have no foreign keys: a pending link names an account at a
-- provider, not a user; DeleteTenant and DeleteProviderLinks remove them.
CREATE TABLE pending_links (
	id                 TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	tenant_id          TEXT COLLATE "C" NOT NULL,
	provider_id        TEXT COLLATE "C" NOT NULL,
	expiration_instant BIGINT NOT NULL,
	doc                TEXT   NOT NULL
);
CREATE INDEX pending_links_tenant ON pending_links (tenant_id);
CREATE INDEX pending_links_provider ON pending_links (provider_id);

CREATE TABLE identity_providers (
	id             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	insert_instant BIGINT NOT NULL,
	doc            TEXT   NOT NULL
);

-- The one Integrations object. The row always exists (doc NULL until the
-- first PutIntegrations), so a transaction that reads it can lock it with
-- SELECT ... FOR UPDATE, and two patches serialise.
CREATE TABLE integrations (
	id  INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
	doc TEXT
);
INSERT INTO integrations (id, doc) VALUES (1, NULL);

CREATE TABLE api_keys (
	id             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	key_hash       BYTEA  NOT NULL,
	insert_instant BIGINT NOT NULL,
	doc            TEXT   NOT NULL
);
CREATE UNIQUE INDEX api_keys_hash_key ON api_keys (key_hash);

-- Refresh tokens cascade from their user; DeleteApplication removes an
-- application's tokens itself (a token does not require its application to
-- exist, as in memstore).
CREATE TABLE refresh_tokens (
	id                  TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	token_hash          BYTEA  NOT NULL,
	previous_token_hash BYTEA,
	user_id             TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	application_id      TEXT COLLATE "C" NOT NULL,
	insert_instant      BIGINT NOT NULL,
	doc                 TEXT   NOT NULL
);
CREATE UNIQUE INDEX refresh_tokens_hash_key ON refresh_tokens (token_hash);
CREATE INDEX refresh_tokens_previous ON refresh_tokens (previous_token_hash);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_application ON refresh_tokens (application_id);

CREATE TABLE signing_keys (
	id             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	insert_instant BIGINT NOT NULL,
	doc            TEXT   NOT NULL
);

-- Event-log ids are numbers the store assigns, increasing and never reused.
CREATE TABLE event_logs (
	id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	insert_instant BIGINT NOT NULL,
	type           TEXT COLLATE "C" NOT NULL,
	message_lower  TEXT   NOT NULL,
	doc            TEXT   NOT NULL
);
CREATE INDEX event_logs_instant ON event_logs (insert_instant, id);

CREATE TABLE login_records (
	id      TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	user_id TEXT COLLATE "C" NOT NULL,
	instant BIGINT NOT NULL,
	doc     TEXT   NOT NULL
);
CREATE INDEX login_records_user ON login_records (user_id, instant);
