-- authcore schema, version 10 (SQLite): an API key's name (FusionAuth 1.56)
-- is unique among all keys, compared without case as signing key and tenant
-- names are. The column holds the name as Go's strings.ToLower gives it
-- (NULL for a key without a name, which never collides). Keys stored before
-- had no name (the field was not kept), so there is nothing to fill.
ALTER TABLE api_keys ADD COLUMN name_lower TEXT;
CREATE UNIQUE INDEX api_keys_name_key ON api_keys (name_lower);
