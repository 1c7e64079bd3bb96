package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/authcore/authcore/authcore"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect names the SQL database behind a Store.
type Dialect int

const (
	// SQLite is SQLite 3 through modernc.org/sqlite (driver name "sqlite").
	SQLite Dialect = iota + 1
	// Postgres is PostgreSQL through github.com/jackc/pgx/v5/stdlib (driver
	// name "pgx").
	Postgres
)

func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	}
	return fmt.Sprintf("Dialect(%d)", int(d))
}

// sqliteBusyTimeoutMS is how long a SQLite writer waits for another process's
// write lock before the store answers ErrConflict.
const sqliteBusyTimeoutMS = 10000

// postgresMaxConns bounds the pool Open makes for PostgreSQL, well below the
// server's default max_connections (100), so that many concurrent
// transactions queue in Go rather than being refused by the server.
const postgresMaxConns = 32

// Store is an authcore.Store on a SQL database. It is safe for concurrent use.
// Its methods are authcore.Store's, documented there; Close it when done.
type Store struct {
	dialect Dialect
	// wdb runs transactions and writes; rdb runs reads outside a transaction
	// (the same pool except for a SQLite file opened by Open).
	wdb, rdb *sql.DB
	// serialize guards SQLite write transactions when the pool may hold more
	// than one connection (a *sql.DB given to OpenDB) or the writer
	// connection is pinned.
	serialize bool
	writeMu   writeLock
	// fkPragma turns foreign keys on before each SQLite transaction, for a
	// pool whose DSN this package did not write.
	fkPragma bool
	// pinned keeps one writer connection for the store's life (a SQLite
	// file opened by Open), so that its prepared statements (wstmts, under
	// writeMu) serve every transaction. rstmts caches the read pool's
	// statements (SQLite).
	pinned         bool
	wstmts, rstmts *stmtCache
	// waiting counts the transactions queued for writeMu; grp is the open
	// commit group on the pinned writer (group.go).
	waiting    atomic.Int32
	grp        *group
	lastCommit time.Time
	lastGroupN int
	// groups and members count the groups ended and the transactions they
	// carried (for tests and benchmarks).
	groups, members atomic.Int64
	// The checkpointing goroutine (checkpoint.go).
	ckptKick chan struct{}
	ckptStop context.CancelFunc
	ckptDone chan struct{}
	// owned are closed by Close; anchor keeps an in-memory database alive.
	owned  []*sql.DB
	anchor *sql.Conn
	// closed is set by Close, under writeMu: no writer connection is made
	// after it (writerConn).
	closed bool

	rebound sync.Map // query with ? -> query with $n (PostgreSQL)
}

var _ authcore.Store = (*Store)(nil)

// Open opens the store named by dsn and applies pending migrations:
//
//   - "sqlite:PATH": a SQLite database file, created when missing (its
//     directory must exist). PATH is a path, not a URL: "sqlite:auth.db"
//     is relative to the working directory, "sqlite:/var/lib/app/auth.db"
//     absolute; "sqlite://auth.db" is refused, as its "//" would put the
//     file at the root of the file system. PATH may carry modernc.org/sqlite
//     DSN parameters after '?'.
//   - "sqlite::memory:": a private in-memory SQLite database. Other names of
//     an in-memory or temporary database (file::memory:, mode=memory,
//     vfs=memdb, an empty name) are refused.
//   - "postgres://…" or "postgresql://…": PostgreSQL, any DSN pgx accepts
//     (e.g. "?sslmode=disable&search_path=authcore"), on a pool of at most 32
//     connections.
//
// A SQLite writer waits up to 10 seconds for another process's write lock
// (busy_timeout) and then fails with authcore.ErrConflict; reads outside a
// transaction use up to max(GOMAXPROCS, 4) connections. For other limits,
// build the pool yourself and use OpenDB.
//
// ctx bounds the opening and the migrations only. The store holds its
// connections, and for a SQLite file a checkpointing goroutine, until Close:
// call it when done, or they stay for the life of the process.
func Open(ctx context.Context, dsn string) (*Store, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == ":memory:" {
			return openSQLiteMemory(ctx)
		}
		if path == "" {
			return nil, errors.New("sqlstore: empty SQLite path (want sqlite:PATH or sqlite::memory:)")
		}
		if sqliteTransient(path) {
			return nil, errors.New("sqlstore: an in-memory or temporary SQLite database opens as sqlite::memory: (with no parameters), the one form whose connections share it")
		}
		if rest, ok := strings.CutPrefix(path, "//"); ok && !strings.HasPrefix(rest, "/") {
			// A URL's host: SQLite would read "//auth.db" as /auth.db.
			name, _, _ := strings.Cut(rest, "?")
			return nil, fmt.Errorf("sqlstore: sqlite://%s is a URL, not a path: write sqlite:%s for a file in the working directory, or sqlite:/absolute/path", name, name)
		}
		return openSQLiteFile(ctx, path)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		s, err := openPostgres(ctx, dsn)
		if err != nil && passwordSpills(dsn) {
			// The driver quotes the database name and parameters it read,
			// which here hold part of the password.
			if cerr := ctx.Err(); cerr != nil {
				return nil, fmt.Errorf("sqlstore: open %s: %w", RedactDSN(dsn), cerr)
			}
			return nil, fmt.Errorf("sqlstore: open %s failed; the driver's message is withheld as it may quote the password, whose /, ?, # or @ must be percent-encoded in the URL", RedactDSN(dsn))
		}
		return s, err
	}
	return nil, fmt.Errorf("sqlstore: unknown DSN %q (want sqlite:PATH, sqlite::memory: or postgres://…)", RedactDSN(dsn))
}

// OpenDB makes a Store on a pool the caller configured, applies pending
// migrations and returns. The caller keeps ownership: Close does not close db.
// For SQLite, write transactions are serialised in Go and foreign keys are
// turned on per transaction; for the WAL journal and a busy timeout, put them
// in db's DSN (see Open for what it uses).
func OpenDB(ctx context.Context, db *sql.DB, dialect Dialect) (*Store, error) {
	if db == nil {
		return nil, errors.New("sqlstore: OpenDB(nil)")
	}
	s := &Store{dialect: dialect, wdb: db, rdb: db}
	switch dialect {
	case SQLite:
		s.serialize, s.fkPragma = true, true
		s.rstmts = newStmtCache(db)
	case Postgres:
	default:
		return nil, fmt.Errorf("sqlstore: unknown dialect %v", dialect)
	}
	return s.init(ctx)
}

func openSQLiteFile(ctx context.Context, path string) (*Store, error) {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	common := fmt.Sprintf("%s%s_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)", path, sep, sqliteBusyTimeoutMS)
	// One writer connection: in-process writers queue for it instead of
	// contending for SQLite's lock. synchronous=NORMAL is durable in WAL mode
	// except for the last transactions before a power loss. Savepoint
	// journals stay in memory (temp_store): a commit group keeps one per
	// member (group.go). Checkpoints: see checkpoint.go.
	wdsn := common + fmt.Sprintf("&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)&_pragma=wal_autocheckpoint(%d)", checkpointBackstop)
	wdb, err := sql.Open("sqlite", wdsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open sqlite: %w", err)
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	wdb.SetConnMaxIdleTime(0)
	s := &Store{dialect: SQLite, wdb: wdb, owned: []*sql.DB{wdb}, pinned: true, serialize: true}
	// The writer connects first so the file is in WAL mode before any reader
	// opens it.
	if err := pingWithRetry(ctx, wdb); err != nil {
		s.Close()
		// Name the file: "unable to open database file" alone does not say
		// which path (a missing directory, a relative path resolved against
		// another working directory).
		name, _, _ := strings.Cut(path, "?")
		return nil, fmt.Errorf("sqlstore: open SQLite file %q: %w", name, err)
	}
	rdb, err := sql.Open("sqlite", common+"&_pragma=query_only(1)")
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlstore: open sqlite: %w", err)
	}
	n := runtime.GOMAXPROCS(0)
	if n < 4 {
		n = 4
	}
	rdb.SetMaxOpenConns(n)
	rdb.SetMaxIdleConns(n)
	s.rdb = rdb
	s.rstmts = newStmtCache(rdb)
	s.owned = append(s.owned, rdb)
	if _, err := s.init(ctx); err != nil {
		return nil, err
	}
	if err := s.startCheckpointer(ctx, common+"&_pragma=synchronous(NORMAL)"); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlstore: open sqlite: %w", s.mapErr(ctx, err))
	}
	return s, nil
}

// sqliteTransient reports whether path (as modernc.org/sqlite reads it)
// names an in-memory or temporary database rather than a file. A file store's
// connections (writer, readers, checkpointer) would each get a database of
// their own, or share one through a shared cache, whose table locks make
// readers wait for the writer: only openSQLiteMemory handles one.
func sqliteTransient(path string) bool {
	name, query, _ := strings.Cut(path, "?")
	name, uri := strings.CutPrefix(name, "file:")
	if name == "" || name == ":memory:" {
		return true
	}
	params, _ := url.ParseQuery(query)
	if strings.EqualFold(params.Get("vfs"), "memdb") {
		return true
	}
	// SQLite reads mode only from a URI filename.
	return uri && params.Get("mode") == "memory"
}

// pingWithRetry connects. Switching a fresh file to WAL takes an exclusive
// lock, which a second process opening the same fresh file at the same moment
// may find taken; that is worth a few retries.
func pingWithRetry(ctx context.Context, db *sql.DB) error {
	var err error
	for i := 0; i < 20; i++ {
		if err = db.PingContext(ctx); err == nil || !isBusy(err) {
			return err
		}
		if err := sleepCtx(ctx, 50); err != nil {
			return err
		}
	}
	return err
}

func openSQLiteMemory(ctx context.Context) (*Store, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("sqlstore: memory database name: %w", err)
	}
	dsn := fmt.Sprintf("file:authcore-%s?mode=memory&cache=shared&_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)",
		hex.EncodeToString(b[:]), sqliteBusyTimeoutMS)
	// The anchor connection keeps the shared-cache database alive should the
	// pool ever replace its working connection; it runs no statement, so it
	// holds no table lock.
	adb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open sqlite memory: %w", err)
	}
	anchor, err := adb.Conn(ctx)
	if err != nil {
		adb.Close()
		return nil, fmt.Errorf("sqlstore: open sqlite memory: %w", err)
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		anchor.Close()
		adb.Close()
		return nil, fmt.Errorf("sqlstore: open sqlite memory: %w", err)
	}
	// One connection for everything: a second one would meet shared-cache
	// table locks (SQLITE_LOCKED), which busy_timeout does not wait for.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	s := &Store{dialect: SQLite, wdb: db, rdb: db, owned: []*sql.DB{db, adb}, anchor: anchor}
	s.rstmts = newStmtCache(db)
	return s.init(ctx)
}

func (s *Store) init(ctx context.Context) (*Store, error) {
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the pools Open made. It does not close a *sql.DB given to
// OpenDB.
func (s *Store) Close() error {
	var errs []error
	s.stopCheckpointer()
	s.writeMu.Lock()
	s.closed = true
	if s.grp != nil {
		// Close came between two members of a group: commit what they did.
		s.endGroup(s.grp, s.commitGroup())
	}
	if s.wstmts != nil {
		s.wstmts.close()
		errs = append(errs, s.wstmts.q.(*sql.Conn).Close())
		s.wstmts = nil
	}
	s.writeMu.Unlock()
	if s.rstmts != nil {
		s.rstmts.close()
	}
	if s.anchor != nil {
		errs = append(errs, s.anchor.Close())
		s.anchor = nil
	}
	for _, db := range s.owned {
		errs = append(errs, db.Close())
	}
	s.owned = nil
	return errors.Join(errs...)
}

// Dialect reports which database the store runs on.
func (s *Store) Dialect() Dialect { return s.dialect }

// RedactDSN returns dsn fit for a log line or an error message. A
// PostgreSQL URL keeps its host and database, with its passwords masked: the
// user info's, and every query parameter whose name holds "password" (pgx
// reads password and sslpassword there); one whose password holds an
// unescaped "/", "?" or "#", which ends the user info early, is cut to its
// scheme. A SQLite DSN, which holds no
// secret, is returned as it is. Anything else is cut to its URL scheme, as
// it may hold a password anywhere (a key/value DSN such as "host=db
// password=…").
func RedactDSN(dsn string) string {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		return dsn
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		if passwordSpills(dsn) {
			scheme, _, _ := strings.Cut(dsn, "://")
			return scheme + "://…"
		}
		u, _ := url.Parse(dsn)
		if q := u.Query(); len(q) > 0 {
			masked := false
			for k := range q {
				if strings.Contains(strings.ToLower(k), "password") {
					q.Set(k, "xxxxx")
					masked = true
				}
			}
			if masked {
				u.RawQuery = q.Encode()
			}
		}
		return u.Redacted()
	}
	i := strings.Index(dsn, ":")
	if i <= 0 {
		return "…"
	}
	for j, r := range dsn[:i] {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && (j == 0 || !(r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return "…"
		}
	}
	return dsn[:i+1] + "…"
}

// passwordSpills reports whether a PostgreSQL URL may hold part of a
// password outside its user info: an "@" after the user info, or a
// fragment, is a password with an unescaped "/", "?" or "#" (or "@" after
// one) that cut the user info short, so part of it reads as the host,
// port, path or query. A URL net/url cannot parse is treated the same.
func passwordSpills(dsn string) bool {
	u, err := url.Parse(dsn)
	return err != nil || u.Fragment != "" || strings.Contains(u.Host+u.Path+u.RawQuery, "@")
}

func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open postgres: %w", err)
	}
	db.SetMaxOpenConns(postgresMaxConns)
	db.SetMaxIdleConns(postgresMaxConns)
	s := &Store{dialect: Postgres, wdb: db, rdb: db, owned: []*sql.DB{db}}
	return s.init(ctx)
}

// DB returns the pool that reads outside a transaction use, for inspection
// and tools. Writing through it bypasses the store's transactions.
func (s *Store) DB() *sql.DB { return s.rdb }
