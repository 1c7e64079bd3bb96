// Package sqlstore is an authcore.Store on database/sql, for SQLite (through
// modernc.org/sqlite, pure Go, no cgo) and PostgreSQL (through
// github.com/jackc/pgx/v5/stdlib).
//
//	s, err := sqlstore.Open(ctx, "sqlite:authcore.db")            // a file, created when missing
//	s, err := sqlstore.Open(ctx, "sqlite::memory:")               // private, gone on Close
//	s, err := sqlstore.Open(ctx, "postgres://user@host/db?sslmode=disable")
//	defer s.Close()
//
// Open applies the embedded, versioned migrations (migrations/<dialect>/NNNN_*.sql)
// before it returns; the versions applied are recorded in schema_migrations.
// Two processes opening one fresh database at once are safe: on PostgreSQL the
// migration runs under a transaction-scoped advisory lock, on SQLite inside
// BEGIN IMMEDIATE.
//
// # Storage shape
//
// Each aggregate is a row holding its JSON document plus the columns that
// carry an index, a uniqueness rule or a foreign key. Uniqueness is enforced
// by the database (unique indexes on the tenant plus lower-cased e-mail or
// username, on the link key, on the registration key, on key and token
// hashes), so concurrent writers cannot create duplicates; a violation is
// answered as *authcore.DuplicateError. Deletes cascade through foreign keys
// (registrations, links and refresh tokens from their user; registrations from
// their application; users and applications from their tenant); what has no
// foreign key (pending links, an application's refresh tokens) is deleted
// explicitly in the same transaction. Maps and slices come back as JSON
// decodes them: numbers in map[string]any are float64, and an empty slice or
// map may come back nil.
//
// # SQLite
//
// The database runs in WAL mode with foreign keys on and a busy timeout.
// Writes go through one connection and each transaction starts with BEGIN
// IMMEDIATE, so writers in one process queue in Go instead of failing with
// SQLITE_BUSY, and a writer in another process is waited for (busy_timeout).
// Reads outside a transaction use a separate pool of read-only connections and
// never wait for a writer. Transactions are therefore serialisable.
//
// "sqlite::memory:" opens a private in-memory database (a uniquely named
// shared-cache database, kept alive by a connection the store holds until
// Close). It has a single connection for reads and writes, so a read outside
// a transaction waits while a transaction runs; as with memstore, do not call
// the outer Store from inside InTx's function: use the tx it is given.
//
// # PostgreSQL
//
// Transactions run at READ COMMITTED, and every read inside a transaction
// locks the rows it returns (SELECT ... FOR UPDATE). A read-modify-write
// transaction (the PATCH flows) therefore waits for a concurrent one on the
// same rows and then sees its result: neither update is lost and both
// succeed, where SERIALIZABLE would fail one with a serialisation error. Rows
// that do not exist yet cannot be locked: inserts of the same key are
// serialised by the unique indexes instead (the loser gets ErrDuplicate), and
// a row that another transaction commits after this one looked for it may
// appear in this one's next read (a phantom, as READ COMMITTED allows). The
// Integrations row always exists, so two patches of it serialise. A deadlock
// (40P01), a serialisation failure (40001) or a lock timeout is answered as
// authcore.ErrConflict, which the caller may retry.
//
// Inside a transaction each write runs under a savepoint, so a write that
// fails (a duplicate, a missing parent) leaves the transaction usable and
// nothing of that write behind, as with memstore and SQLite.
package sqlstore
