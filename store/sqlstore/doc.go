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
// It refuses a database that a later build migrated past the last version
// this one knows.
// Two processes opening one fresh database at once are safe: on PostgreSQL the
// migration runs under a transaction-scoped advisory lock, on SQLite inside
// BEGIN IMMEDIATE.
//
// # Storage shape
//
// Each aggregate is a row holding its JSON document plus the columns that
// carry an index, a uniqueness rule or a foreign key. Uniqueness is enforced
// by the database (unique indexes on the tenant plus lower-cased e-mail or
// username, on the link key, on the registration key and the registration
// id, on key and token hashes, on signing key kids and lower-cased names, on
// lower-cased API key names),
// so concurrent writers cannot create
// duplicates; a violation is
// answered as *authcore.DuplicateError. Deletes cascade through foreign keys
// (registrations, links and refresh tokens from their user; registrations from
// their application; users and applications from their tenant); what has no
// foreign key (pending links, an application's refresh tokens, a user's
// login records, the moderation items of a user, a registration or an
// application's registrations) is deleted explicitly in the same
// transaction. Maps and slices come back as JSON
// decodes them, except that numbers in map[string]any are json.Number (the
// text they were written with, so a 64-bit integer survives), and an empty
// slice or map may come back nil.
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
// A file opened by Open keeps its writer connection for the store's life and
// prepares each statement once on it (stmtcache.go; modernc.org/sqlite would
// otherwise parse and compile the SQL on every call); the read pool's
// statements are cached too. Transactions that queue for the writer share
// commits (group commit, group.go): a transaction that finishes while others
// wait hands the connection on under a savepoint of its own, and the last of
// the group commits all of them. InTx still returns only once its writes are
// committed, or with the commit's error; a member that fails, panics or is
// cancelled is rolled back alone. A transaction whose context ends while it
// still waits for the writer stops waiting and returns the context's error,
// having written nothing. Under load a group may stay open up to a
// millisecond for transactions that are on their way. So a transaction's
// InTx may return only once the later members of its group have finished
// their fn too: an fn must not wait for something another transaction's
// caller does after its InTx returns (a channel, or a lock held across
// InTx), or both wait for ever. The engine's transactions wait on nothing
// outside the store (CleanSpeak is asked between runs of a transaction,
// not inside one) but the reconcile functions it is given, which run
// inside the login's. Checkpoints run on a
// connection of their own, off the writers' path (checkpoint.go).
//
// A failed statement does not abort a SQLite transaction, and a single
// statement is atomic, so a write of one statement runs without a savepoint;
// writes of several statements keep one. A failure after which SQLite may
// have rolled the transaction back by itself (an I/O error, a full disk, an
// interrupted statement) breaks the transaction: every later statement and
// the commit answer that error, so nothing runs outside the transaction the
// caller believes it is in.
//
// "sqlite::memory:" opens a private in-memory database (a uniquely named
// shared-cache database, kept alive by a connection the store holds until
// Close). It has a single connection for reads and writes, so a read outside
// a transaction waits while a transaction runs; as with memstore, do not call
// the outer Store from inside InTx's function: use the tx it is given. It,
// and a pool given to OpenDB, take the writer connection from the pool for
// each transaction and commit each transaction on its own.
//
// # PostgreSQL
//
// Transactions run at READ COMMITTED, and every read inside a transaction
// locks the rows it returns (SELECT ... FOR UPDATE), but for the shared read
// of an application a first login makes for its default roles (FOR SHARE:
// first logins of one application do not wait for each other, a role change
// still does). A read-modify-write
// transaction (the PATCH flows) therefore waits for a concurrent one on the
// same rows and then sees its result: neither update is lost and both
// succeed, where SERIALIZABLE would fail one with a serialisation error. Rows
// that do not exist yet cannot be locked: inserts of the same key are
// serialised by the unique indexes instead (the loser gets ErrDuplicate), and
// a row that another transaction commits after this one looked for it may
// appear in this one's next read (a phantom, as READ COMMITTED allows); a
// delete of all of an application's refresh tokens waits for the tokens
// being inserted through an advisory lock (misc.go). The
// Integrations row always exists, so two patches of it serialise. A deadlock
// (40P01), a serialisation failure (40001) or a lock timeout is answered as
// authcore.ErrConflict, which the caller may retry.
//
// A failed statement aborts a PostgreSQL transaction, so inside a
// transaction each write that a constraint could refuse runs under a
// savepoint: a write that fails (a duplicate, a missing parent) leaves the
// transaction usable and nothing of that write behind, as with memstore and
// SQLite. The writes no constraint can refuse (a login's updates of the
// link, user and registration it read, which keep their keys, and its login
// record) take none, two round trips fewer each (but for one given text
// PostgreSQL refuses, with a NUL byte say); if PostgreSQL fails one
// anyway (a deadlock, a lost connection), the transaction is broken: every
// later statement and the commit answer that error. pgx caches prepared
// statements per connection by itself.
package sqlstore
