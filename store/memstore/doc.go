// Package memstore is an authcore.Store in memory: for tests, examples and a
// single process that may lose its data on restart.
//
// It is safe for concurrent use. Transactions are real: a transaction holds
// the store's write lock for its whole run (so transactions are serialisable
// by construction) and keeps an undo log; when the transaction function
// returns an error or panics, the undo log puts every changed row back, so
// nothing of a failed transaction is left behind. Reads outside a transaction
// take the read lock and never see a transaction's uncommitted writes.
//
// # Memory
//
// A user is one record holding the user, its registrations and its links,
// without the fields they repeat (user and tenant ids, the provider's names);
// the e-mail, username, link and registration id indexes point at it. A
// user as a first Twitter login leaves it (a link and a registration) costs
// about 1 KB of heap, its strings included (cmd/authbench -mem).
//
// # Retention
//
// Every login stores a refresh token and a login record. So that a
// long-running store does not grow with every login, it keeps them as
// follows.
//
// Refresh tokens are pruned once expired (ExpirationInstant reached, the
// engine's own rule). The pruning is done by writers: each transaction that
// commits removes at most a small, fixed number of expired tokens, soonest
// expiry first, from a queue ordered by expiry (24 bytes per token). No write
// scans the tokens and no goroutine runs in the background. A token without
// an expiry (0) is kept.
//
// Expiry is judged by the clock given with WithClock. Without one, the store
// uses the newest InsertInstant of the refresh tokens it has stored (the
// engine's clock as the engine wrote it), but never a time later than the
// wall clock. So an engine with a clock of its own (authcore.WithClock in
// tests) never finds a token gone that it would still accept, and a token
// stamped in the future cannot make the store prune early. The cost is that
// pruning waits for the next token to be stored after an expiry.
//
// The engine refuses a pruned token as it refuses an expired one, with the
// same 400 [invalid]refreshToken; only the logged reason differs ("unknown"
// instead of "expired"). One more difference: the replayed previous value of
// a rotated one-time-use token is refused as unknown once the token is
// pruned, where an expired but stored token is revoked as reused (with its
// revoke event). Until pruned, an expired token is still listed and read by
// id, as before.
//
// Pending links (the CreatePendingLink strategy's) are pruned once expired
// the same way, by the same clock and from a queue of their own: one that is
// never completed no longer stays for good.
//
// Login records are capped store-wide: the store keeps the most recent
// DefaultLoginRecordLimit (100,000) records, each new one replacing the
// oldest; WithLoginRecordLimit changes the number (0 keeps none, a negative
// number keeps all). Nothing in authcore.Store reads login records
// back; LoginRecords returns a user's remaining ones for tests and tools. As
// before, deleting a user does not delete its login records (they age out).
package memstore
