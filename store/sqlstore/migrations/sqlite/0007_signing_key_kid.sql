-- authcore schema, version 7 (SQLite): signing keys are found by kid, the
-- key identifier a token's header names. A key imported with a kid of its
-- own (FusionAuth's Key Import API) keeps it, so that the tokens it signed
-- elsewhere still name it; every other key's kid is its id. The column holds
-- that kid for every key (authcore.SigningKey.EffectiveKid), and is unique:
-- a token's kid names one key. Keys stored before have no kid of their own,
-- so theirs is their id.
ALTER TABLE signing_keys ADD COLUMN kid TEXT NOT NULL DEFAULT '';
UPDATE signing_keys SET kid = id;
CREATE UNIQUE INDEX signing_keys_kid_key ON signing_keys (kid);
