-- authcore schema, version 8 (SQLite): a signing key's name is unique among
-- all keys, as FusionAuth documents, compared without case as tenant names
-- are. The column holds the name as Go's strings.ToLower gives it (NULL for
-- a key without a name, which never collides); SQLite's lower() folds ASCII
-- letters only, so the column is filled by this migration's Go step
-- (migrate.go, keyNameStep), which also renames the later keys of a name
-- that a database made before holds more than once. Version 9 then makes
-- the column unique.
ALTER TABLE signing_keys ADD COLUMN name_lower TEXT;
