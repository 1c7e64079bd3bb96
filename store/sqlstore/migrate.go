package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrationFS embed.FS

// migration is one embedded SQL script, named NNNN_description.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the dialect's scripts in version order.
func migrations(d Dialect) ([]migration, error) {
	dir := "migrations/" + d.String()
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("sqlstore: migration %s: name must be NNNN_description.sql", e.Name())
		}
		body, err := migrationFS.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("sqlstore: migration %s: %w", e.Name(), err)
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("sqlstore: two migrations with version %d", out[i].version)
		}
	}
	return out, nil
}

// migrate applies the scripts not yet recorded in schema_migrations, all in
// one transaction that also holds the migration lock: BEGIN IMMEDIATE on
// SQLite (the database's one write lock), a transaction-scoped advisory lock
// on PostgreSQL (keyed by the current schema, released at commit or rollback
// even if the process dies). A second process opening the same fresh database
// waits, then finds everything applied.
func (s *Store) migrate(ctx context.Context) error {
	all, err := migrations(s.dialect)
	if err != nil {
		return err
	}
	err = s.inTx(ctx, true, func(t *tx) error {
		if s.dialect == Postgres {
			if _, err := t.raw().ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('authcore.sqlstore.migrate:' || current_schema()))`); err != nil {
				return err
			}
		}
		if _, err := t.raw().ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
	version        INTEGER NOT NULL PRIMARY KEY,
	name           TEXT    NOT NULL,
	applied_instant BIGINT NOT NULL
)`); err != nil {
			return err
		}
		applied := map[int]bool{}
		newest := 0
		rows, err := t.raw().QueryContext(ctx, `SELECT version FROM schema_migrations`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			applied[v] = true
			newest = max(newest, v)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if latest := LatestSchemaVersion(s.dialect); newest > latest {
			// A later build migrated the database: this one does not know
			// what that changed, and must not write to it.
			return fmt.Errorf("sqlstore: the database is at schema version %d, newer than this build's %d: run a build that knows it", newest, latest)
		}
		for _, m := range all {
			if applied[m.version] {
				continue
			}
			if _, err := t.raw().ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("sqlstore: migration %s: %w", m.name, s.mapErr(ctx, err))
			}
			_, base, _ := strings.Cut(m.name, "_")
			if step := migrationSteps[base]; step != nil {
				if err := step(ctx, t); err != nil {
					return fmt.Errorf("sqlstore: migration %s: %w", m.name, err)
				}
			}
			if _, err := t.exec(ctx, `INSERT INTO schema_migrations (version, name, applied_instant) VALUES (?, ?, ?)`,
				m.version, m.name, time.Now().UnixMilli()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	return nil
}

// SchemaVersion returns the highest migration version applied to the
// database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.rdb.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: schema version: %w", s.mapErr(ctx, err))
	}
	return v, nil
}

// LatestSchemaVersion is the version this build migrates a database to.
func LatestSchemaVersion(d Dialect) int {
	all, err := migrations(d)
	if err != nil || len(all) == 0 {
		return 0
	}
	return all[len(all)-1].version
}
