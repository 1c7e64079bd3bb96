package multistore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// A revocation of all of an application's tokens, with events recorded,
// while a first login of the application is between its user's insert
// (which takes a key-share lock on the tenant: the users' foreign key) and
// its registration's (the same on the application). The revocation locks
// the application, and its event reads the tenant: read with an exclusive
// lock it waited for the login, which then waited for the application, a
// deadlock on PostgreSQL that one of them lost (and ran again). The event's
// reads take shared locks now, and neither waits for the other.
func TestRevokeApplicationTokensDuringFirstLogin(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			open := k.open(t)
			c := newCluster(t, open, 1)
			// Without default roles, a first login reads its application
			// in its transaction only through the registration's insert.
			require.NoError(t, c.engines[0].DeleteApplicationRoleByName(ctx, appID, "user"))
			login, ls := c.pausedEngine(t, open, "CreateUser")
			revoker, rs := c.pausedEngine(t, open, "", authcore.WithEventSubscriber(func(context.Context, authcore.Event) error { return nil }))

			acct := c.account(1)
			ls.armed.Store(true)
			loggedIn := make(chan error, 1)
			go func() {
				_, err := twitterLogin(ctx, login, c.tw, acct)
				loggedIn <- err
			}()
			<-ls.entered
			revoked := make(chan error, 1)
			go func() {
				_, err := revoker.RevokeRefreshTokens(ctx, authcore.RevokeRequest{ApplicationID: appID})
				revoked <- err
			}()
			var revokeErr error
			done := false
			if k.name == "postgres" {
				// Let the login go on once the revocation has ended or
				// waits for a lock (it waited for the tenant). memstore
				// and SQLite run one transaction at a time: the
				// revocation waits for the login.
				done = assertEventuallyDoneOrWaiting(t, revoked, &revokeErr, "SELECT doc FROM tenants")
			}
			close(ls.release)
			require.NoError(t, <-loggedIn)
			if !done {
				revokeErr = <-revoked
			}
			require.NoError(t, revokeErr)
			assert.Zero(t, ls.conflicts.Load()+rs.conflicts.Load(), "transactions lost to a deadlock")
		})
	}
}

// assertEventuallyDoneOrWaiting waits until ch delivers (into *err; it
// returns true) or a statement that starts with query waits for a lock on
// the test server (false). Neither within 30 seconds fails the test.
func assertEventuallyDoneOrWaiting(t *testing.T, ch <-chan error, err *error, query string) bool {
	t.Helper()
	done := false
	waiting := watchLockWait(t, query+"%", func() bool {
		select {
		case *err = <-ch:
			done = true
		default:
		}
		return done
	})
	if !done && !waiting {
		t.Fatalf("neither done nor waiting for a lock at %q", query)
	}
	return done
}
