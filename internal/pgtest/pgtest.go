// Package pgtest gives tests a PostgreSQL database of their own on the
// throwaway server scripts/with-postgres starts (scripts/test runs every
// package under it). Without a server the PostgreSQL cases are skipped on a
// developer's machine and fail under CI, where skipping would hide that they
// never ran.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// Env names the variable that holds the test server's DSN.
const Env = "AUTHCORE_TEST_POSTGRES"

// DSN returns the test server's DSN, or "" when none is set outside CI; a
// missing one under CI (CI set) fails tb.
func DSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(Env)
	if dsn == "" && os.Getenv("CI") != "" {
		tb.Fatalf("%s is not set, and CI must run the PostgreSQL tests: run them through scripts/test (which uses scripts/with-postgres)", Env)
	}
	return dsn
}

// Require is DSN, with tb skipped when there is no server.
func Require(tb testing.TB) string {
	tb.Helper()
	dsn := DSN(tb)
	if dsn == "" {
		tb.Skipf("%s is not set: PostgreSQL tests skipped; scripts/test runs them against a throwaway server (scripts/with-postgres)", Env)
	}
	return dsn
}

var (
	adminOnce sync.Once
	adminDB   *sql.DB
	adminErr  error
)

// Admin returns one pool on the test server, shared by the process: Fresh
// creates and drops its schemas with it, and a test may act on the server
// beside its store (a lock held from outside, a raw update). It skips tb as
// Require does.
func Admin(tb testing.TB) *sql.DB {
	tb.Helper()
	dsn := Require(tb)
	adminOnce.Do(func() {
		adminDB, adminErr = sql.Open("pgx", dsn)
		if adminErr == nil {
			adminDB.SetMaxOpenConns(4)
			adminErr = adminDB.PingContext(context.Background())
		}
	})
	if adminErr != nil {
		tb.Fatalf("connect to %s: %v", Env, adminErr)
	}
	return adminDB
}

// Fresh makes an empty schema, dropped when the test ends, and returns a
// DSN whose search_path is that schema: every test gets a database of its
// own on one server. Its connections carry appName as their
// application_name, or the schema's name when appName is "", so that a
// test watching the server's lock waits can tell its own connections from
// those of packages tested at the same time. It skips tb as Require does.
func Fresh(tb testing.TB, appName string) string {
	tb.Helper()
	dsn := Require(tb)
	db := Admin(tb)
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "authcore_test_" + hex.EncodeToString(b[:])
	if _, err := db.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema %s: %v", schema, err)
	}
	tb.Cleanup(func() {
		if _, err := db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatalf("%s: %v", Env, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	if appName == "" {
		appName = schema
	}
	q.Set("application_name", appName)
	u.RawQuery = q.Encode()
	return u.String()
}
