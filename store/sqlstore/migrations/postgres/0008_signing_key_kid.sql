-- authcore schema, version 8 (PostgreSQL): signing keys are found by kid,
-- the key identifier a token's header names. A key imported with a kid of
-- its own (FusionAuth's Key Import API) keeps it, so that the tokens it
-- signed elsewhere still name it; every other key's kid is its id. The
-- column holds that kid for every key (authcore.SigningKey.EffectiveKid),
-- compared byte for byte as ids are, and is unique: a token's kid names one
-- key. Keys stored before have no kid of their own, so theirs is their id.
--
-- The UPDATE fires the configuration version's trigger, deferred to COMMIT
-- (0004), and a table with a pending trigger event cannot be altered: the
-- trigger fires at the end of the UPDATE here instead.
ALTER TABLE signing_keys ADD COLUMN kid TEXT COLLATE "C";
SET CONSTRAINTS signing_keys_config IMMEDIATE;
UPDATE signing_keys SET kid = id;
SET CONSTRAINTS signing_keys_config DEFERRED;
ALTER TABLE signing_keys ALTER COLUMN kid SET NOT NULL;
CREATE UNIQUE INDEX signing_keys_kid_key ON signing_keys (kid);
