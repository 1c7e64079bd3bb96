-- authcore schema, version 9 (PostgreSQL): a signing key's name is unique
-- among all keys, as FusionAuth documents, compared without case as tenant
-- names are. The column holds the name as Go's strings.ToLower gives it
-- (NULL for a key without a name, which never collides), compared byte for
-- byte as tenants.name_lower is; PostgreSQL's lower() depends on the
-- database's locale, so the column is filled by this migration's Go step
-- (migrate.go, keyNameStep), which also renames the later keys of a name
-- that a database made before holds more than once. Version 10 then makes
-- the column unique.
ALTER TABLE signing_keys ADD COLUMN name_lower TEXT COLLATE "C";
