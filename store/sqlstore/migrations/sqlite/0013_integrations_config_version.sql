-- authcore schema, version 13 (SQLite): a write of the integrations moves
-- the configuration version too (0004), so that every engine on the file
-- reads them again before its next request: an engine that kept Kafka off
-- after another turned it on recorded no events for its writes.
CREATE TRIGGER integrations_insert_config AFTER INSERT ON integrations BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER integrations_update_config AFTER UPDATE ON integrations BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER integrations_delete_config AFTER DELETE ON integrations BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
