-- authcore schema, version 5 (SQLite): links and pending links name their
-- identity provider, and pending links their tenant, by foreign key, so that
-- a link or pending link can never outlive its provider or tenant (a login
-- reads the provider before its transaction; a DELETE committed in between
-- left the login's new row behind). SQLite cannot add a constraint to a
-- table, so both tables are rebuilt, without rows that would break it.
CREATE TABLE links_new (
	tenant_id        TEXT    NOT NULL,
	provider_id      TEXT    NOT NULL REFERENCES identity_providers (id) ON DELETE CASCADE,
	provider_user_id TEXT    NOT NULL,
	user_id          TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	insert_instant   INTEGER NOT NULL,
	doc              TEXT    NOT NULL,
	PRIMARY KEY (tenant_id, provider_id, provider_user_id)
);
INSERT INTO links_new (tenant_id, provider_id, provider_user_id, user_id, insert_instant, doc)
	SELECT tenant_id, provider_id, provider_user_id, user_id, insert_instant, doc FROM links
	WHERE provider_id IN (SELECT id FROM identity_providers);
DROP TABLE links;
ALTER TABLE links_new RENAME TO links;
CREATE INDEX links_user ON links (user_id);
CREATE INDEX links_provider ON links (provider_id);

CREATE TABLE pending_links_new (
	id                 TEXT    NOT NULL PRIMARY KEY,
	tenant_id          TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	provider_id        TEXT    NOT NULL REFERENCES identity_providers (id) ON DELETE CASCADE,
	expiration_instant INTEGER NOT NULL,
	doc                TEXT    NOT NULL
);
INSERT INTO pending_links_new (id, tenant_id, provider_id, expiration_instant, doc)
	SELECT id, tenant_id, provider_id, expiration_instant, doc FROM pending_links
	WHERE provider_id IN (SELECT id FROM identity_providers) AND tenant_id IN (SELECT id FROM tenants);
DROP TABLE pending_links;
ALTER TABLE pending_links_new RENAME TO pending_links;
CREATE INDEX pending_links_tenant ON pending_links (tenant_id);
CREATE INDEX pending_links_provider ON pending_links (provider_id);
