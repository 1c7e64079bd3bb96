-- authcore schema, version 3 (SQLite): the index on a refresh token's
-- previous hash keeps only tokens that have one. A token a login creates has
-- none, and every such insert used to add an entry to the index (one more
-- page written per login); lookups name a hash, which is never NULL, so they
-- use the partial index as they used the full one.
DROP INDEX refresh_tokens_previous;
CREATE INDEX refresh_tokens_previous ON refresh_tokens (previous_token_hash) WHERE previous_token_hash IS NOT NULL;
