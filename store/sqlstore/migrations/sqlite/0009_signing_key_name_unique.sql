-- authcore schema, version 9 (SQLite): no two signing keys share a name in
-- any case. Version 8 filled name_lower and renamed duplicates.
CREATE UNIQUE INDEX signing_keys_name_key ON signing_keys (name_lower);
