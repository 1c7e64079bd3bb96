-- authcore schema, version 14 (PostgreSQL): a write of the integrations
-- moves the configuration version too (0004, 0006), so that every engine on
-- the database reads them again before its next request: an engine that
-- kept Kafka off after another turned it on recorded no events for its
-- writes. Deferred to COMMIT like the others, for the same lock order.
CREATE CONSTRAINT TRIGGER integrations_config AFTER INSERT OR UPDATE OR DELETE ON integrations
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION authcore_bump_config_version();
