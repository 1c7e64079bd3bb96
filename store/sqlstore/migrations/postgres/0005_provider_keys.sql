-- authcore schema, version 5 (PostgreSQL): links and pending links name
-- their identity provider, and pending links their tenant, by foreign key.
-- A login reads the provider before its transaction; without the key, a
-- DELETE of the provider (or of the tenant) committed in between left the
-- login's new link or pending link behind. With it, the insert holds the
-- provider (and tenant) row against a concurrent DELETE, whose cascade then
-- removes the new row, or fails when the DELETE came first.
DELETE FROM links WHERE provider_id NOT IN (SELECT id FROM identity_providers);
ALTER TABLE links ADD CONSTRAINT links_provider_fkey
	FOREIGN KEY (provider_id) REFERENCES identity_providers (id) ON DELETE CASCADE;
DELETE FROM pending_links
	WHERE provider_id NOT IN (SELECT id FROM identity_providers) OR tenant_id NOT IN (SELECT id FROM tenants);
ALTER TABLE pending_links ADD CONSTRAINT pending_links_provider_fkey
	FOREIGN KEY (provider_id) REFERENCES identity_providers (id) ON DELETE CASCADE;
ALTER TABLE pending_links ADD CONSTRAINT pending_links_tenant_fkey
	FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
