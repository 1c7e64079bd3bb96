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

-- Deferred constraint triggers bump the number at COMMIT, after every row
-- lock the transaction takes: the number's row is then always the last lock
-- a configuration write takes, so two of them can never deadlock on it (an
-- immediate trigger would hold it from the first write on, while the
-- transaction goes on to lock other rows).
CREATE CONSTRAINT TRIGGER tenants_config AFTER INSERT OR UPDATE OR DELETE ON tenants
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION authcore_bump_config_version();
CREATE CONSTRAINT TRIGGER applications_config AFTER INSERT OR UPDATE OR DELETE ON applications
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION authcore_bump_config_version();
CREATE CONSTRAINT TRIGGER identity_providers_config AFTER INSERT OR UPDATE OR DELETE ON identity_providers
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION authcore_bump_config_version();
CREATE CONSTRAINT TRIGGER signing_keys_config AFTER INSERT OR UPDATE OR DELETE ON signing_keys
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION authcore_bump_config_version();
