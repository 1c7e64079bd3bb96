-- authcore schema, version 10 (PostgreSQL): no two signing keys share a
-- name in any case. Version 9 filled name_lower and renamed duplicates.
CREATE UNIQUE INDEX signing_keys_name_key ON signing_keys (name_lower);
