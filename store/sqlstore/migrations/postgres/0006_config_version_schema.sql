-- authcore schema, version 6 (PostgreSQL): the configuration version's
-- trigger function names config_version by the schema of the table that
-- fired it. Unqualified, the name was looked up in the writing session's
-- search_path: a write from a session whose search_path is another schema
-- (a tool, another authcore schema of the database) failed at commit, or
-- moved that schema's number and left this one's engines with stale copies.
CREATE OR REPLACE FUNCTION authcore_bump_config_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('UPDATE %I.config_version SET version = version + 1 WHERE id = 1', TG_TABLE_SCHEMA);
	RETURN NULL;
END
$$;
