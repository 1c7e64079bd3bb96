-- authcore schema, version 4 (SQLite): a number that changes whenever a
-- tenant, an application, an identity provider or a signing key does, in the
-- same transaction. An engine keeps what a login reads of these (four reads a
-- login) for as long as the number stays the same, and reads the number
-- instead: one read. Triggers bump it, so that every writer of the file,
-- whatever its code path or process, invalidates every engine's copy.
CREATE TABLE config_version (
	id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
	version INTEGER NOT NULL
);
INSERT INTO config_version (id, version) VALUES (1, 1);

CREATE TRIGGER tenants_insert_config AFTER INSERT ON tenants BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER tenants_update_config AFTER UPDATE ON tenants BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER tenants_delete_config AFTER DELETE ON tenants BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER applications_insert_config AFTER INSERT ON applications BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER applications_update_config AFTER UPDATE ON applications BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER applications_delete_config AFTER DELETE ON applications BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER identity_providers_insert_config AFTER INSERT ON identity_providers BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER identity_providers_update_config AFTER UPDATE ON identity_providers BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER identity_providers_delete_config AFTER DELETE ON identity_providers BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER signing_keys_insert_config AFTER INSERT ON signing_keys BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER signing_keys_update_config AFTER UPDATE ON signing_keys BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER signing_keys_delete_config AFTER DELETE ON signing_keys BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
