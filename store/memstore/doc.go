// Package memstore is an authcore.Store in memory: for tests, examples and a
// single process that may lose its data on restart.
//
// It is safe for concurrent use. Transactions are real: a transaction holds
// the store's write lock for its whole run (so transactions are serialisable
// by construction) and keeps an undo log; when the transaction function
// returns an error or panics, the undo log puts every changed row back, so
// nothing of a failed transaction is left behind. Reads outside a transaction
// take the read lock and never see a transaction's uncommitted writes.
package memstore
