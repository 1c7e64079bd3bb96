-- authcore schema, version 3 (PostgreSQL): the index on a refresh token's
-- previous hash keeps only tokens that have one (see the SQLite migration of
-- the same version). Lookups name a hash (previous_token_hash = $1 implies
-- NOT NULL), so they use the partial index.
DROP INDEX refresh_tokens_previous;
CREATE INDEX refresh_tokens_previous ON refresh_tokens (previous_token_hash) WHERE previous_token_hash IS NOT NULL;
