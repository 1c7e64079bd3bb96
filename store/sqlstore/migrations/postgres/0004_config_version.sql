-- authcore schema, version 4 (PostgreSQL): a number that changes whenever a
-- tenant, an application, an identity provider or a signing key does, in the
-- same transaction. An engine keeps what a login reads of these (four reads a
-- login) for as long as the number stays the same, and reads the number
-- instead: one read. Triggers bump it, so that every writer of the database,
-- whatever its code path or process, invalidates every engine's copy.
CREATE TABLE config_version (
	id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
	version BIGINT  NOT NULL
);
INSERT INTO config_version (id, version) VALUES (1, 1);

CREATE FUNCTION authcore_bump_config_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE config_version SET version = version + 1 WHERE id = 1;
	RETURN NULL;
END
$$;

CREATE TRIGGER tenants_config AFTER INSERT OR UPDATE OR DELETE ON tenants
	FOR EACH STATEMENT EXECUTE FUNCTION authcore_bump_config_version();
CREATE TRIGGER applications_config AFTER INSERT OR UPDATE OR DELETE ON applications
	FOR EACH STATEMENT EXECUTE FUNCTION authcore_bump_config_version();
CREATE TRIGGER identity_providers_config AFTER INSERT OR UPDATE OR DELETE ON identity_providers
	FOR EACH STATEMENT EXECUTE FUNCTION authcore_bump_config_version();
CREATE TRIGGER signing_keys_config AFTER INSERT OR UPDATE OR DELETE ON signing_keys
	FOR EACH STATEMENT EXECUTE FUNCTION authcore_bump_config_version();
