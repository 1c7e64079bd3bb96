package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/stretchr/testify/require"
)

// racers is how many goroutines each race starts at once.
const racers = 64

// maxAttempts bounds the retries of a transaction that lost with ErrConflict,
// which the contract allows; a store that only ever conflicts fails.
const maxAttempts = 200

// race runs fn(0..n-1) in n goroutines released together and returns each
// one's error. fn must not use require: it runs off the test goroutine.
func race(n int, fn func(i int) error) []error {
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}(i)
	}
	close(start)
	wg.Wait()
	return errs
}

// retry runs a transaction again while it loses with ErrConflict, and
// counts those losses.
func retry(conflicts *int64, mu *sync.Mutex, fn func() error) error {
	var err error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		if err = fn(); !errors.Is(err, authcore.ErrConflict) {
			return err
		}
		mu.Lock()
		*conflicts++
		mu.Unlock()
	}
	return err
}

// oneWinner checks that exactly one racer's create succeeded and every
// other one is a duplicate (on field; on any field when field is ""), and
// returns the winner's index.
func oneWinner(t *testing.T, errs []error, field string) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, winner, "racers %d and %d both succeeded", winner, i)
			winner = i
			continue
		}
		if field == "" {
			require.ErrorIs(t, err, authcore.ErrDuplicate, "racer %d", i)
		} else {
			requireDuplicate(t, err, field, "racer %d", i)
		}
	}
	require.NotEqual(t, -1, winner, "no create succeeded")
	return winner
}

var concurrencyCases = []testCase{
	{"concurrency/64 creates of one e-mail: one wins, the others are duplicates", func(t *testing.T, f *fixture) {
		tn := f.tenant("T")
		users := make([]*authcore.User, racers)
		for i := range users {
			email := "race@example.com"
			if i%2 == 1 {
				email = strings.ToUpper(email)
			}
			users[i] = f.newUser(tn.ID, email, "")
		}
		errs := race(racers, func(i int) error { return f.s.CreateUser(f.ctx, users[i]) })
		winner := oneWinner(t, errs, "email")
		got, err := f.s.GetUserByEmail(f.ctx, tn.ID, "Race@Example.com")
		require.NoError(t, err)
		require.Equal(t, users[winner].ID, got.ID)
		for i, u := range users {
			if i != winner {
				_, err := f.s.GetUser(f.ctx, u.ID)
				requireNotFound(t, err, "a loser's user was stored")
			}
		}
	}},
	{"concurrency/64 creates of registrations with one id: one wins, the others are duplicates", func(t *testing.T, f *fixture) {
		tn := f.tenant("T")
		a := f.app(tn.ID, "a")
		regs := make([]*authcore.UserRegistration, racers)
		shared := id()
		for i := range regs {
			u := f.user(tn.ID, label("u%d@example.com", i), "")
			regs[i] = f.newReg(u.ID, a.ID)
			regs[i].ID = shared
		}
		var mu sync.Mutex
		var conflicts int64
		errs := race(racers, func(i int) error {
			return retry(&conflicts, &mu, func() error { return f.s.CreateRegistration(f.ctx, regs[i]) })
		})
		winner := oneWinner(t, errs, "registrationId")
		stored, err := f.s.ListApplicationRegistrations(f.ctx, a.ID)
		require.NoError(t, err)
		require.Equal(t, []*authcore.UserRegistration{regs[winner]}, stored, "only the winner's registration is stored")
	}},
	{"concurrency/64 creates of keys with one kid: one wins, the others are duplicates", func(t *testing.T, f *fixture) {
		keys := make([]*authcore.SigningKey, racers)
		for i := range keys {
			keys[i] = &authcore.SigningKey{ID: id(), Kid: "shared-kid", Name: label("key %d", i), Algorithm: "ES256", PublicKey: []byte("public"), InsertInstant: f.instant()}
		}
		var mu sync.Mutex
		var conflicts int64
		errs := race(racers, func(i int) error {
			return retry(&conflicts, &mu, func() error { return f.s.CreateKey(f.ctx, keys[i]) })
		})
		winner := oneWinner(t, errs, "kid")
		stored, err := f.s.ListKeys(f.ctx)
		require.NoError(t, err)
		require.Equal(t, []*authcore.SigningKey{keys[winner]}, stored, "only the winner's key is stored")
	}},
	{"concurrency/64 creates of keys with one name, in two cases: one wins, the others are duplicates", func(t *testing.T, f *fixture) {
		keys := make([]*authcore.SigningKey, racers)
		for i := range keys {
			name := "Shared name"
			if i%2 == 1 {
				name = strings.ToUpper(name)
			}
			keys[i] = &authcore.SigningKey{ID: id(), Name: name, Algorithm: "HS256", Secret: []byte("secret"), InsertInstant: f.instant()}
		}
		var mu sync.Mutex
		var conflicts int64
		errs := race(racers, func(i int) error {
			return retry(&conflicts, &mu, func() error { return f.s.CreateKey(f.ctx, keys[i]) })
		})
		winner := oneWinner(t, errs, "name")
		stored, err := f.s.ListKeys(f.ctx)
		require.NoError(t, err)
		require.Equal(t, []*authcore.SigningKey{keys[winner]}, stored, "only the winner's key is stored")
	}},
	{"concurrency/64 creates of API keys with one name, in two cases: one wins, the others are duplicates", func(t *testing.T, f *fixture) {
		keys := make([]*authcore.APIKey, racers)
		for i := range keys {
			name := "Shared name"
			if i%2 == 1 {
				name = strings.ToUpper(name)
			}
			keys[i] = &authcore.APIKey{ID: id(), KeyHash: []byte(label("hash %d", i)), Name: name, InsertInstant: f.instant()}
		}
		var mu sync.Mutex
		var conflicts int64
		errs := race(racers, func(i int) error {
			return retry(&conflicts, &mu, func() error { return f.s.CreateAPIKey(f.ctx, keys[i]) })
		})
		winner := oneWinner(t, errs, "name")
		stored, err := f.s.ListAPIKeys(f.ctx)
		require.NoError(t, err)
		require.Equal(t, []*authcore.APIKey{keys[winner]}, stored, "only the winner's key is stored")
	}},
	{"concurrency/64 renames of API keys to one name: one wins, the others are duplicates", func(t *testing.T, f *fixture) {
		keys := make([]*authcore.APIKey, racers)
		for i := range keys {
			keys[i] = &authcore.APIKey{ID: id(), KeyHash: []byte(label("hash %d", i)), Name: label("key %d", i), InsertInstant: f.instant()}
			require.NoError(t, f.s.CreateAPIKey(f.ctx, keys[i]))
		}
		var mu sync.Mutex
		var conflicts int64
		errs := race(racers, func(i int) error {
			c := *keys[i]
			c.Name = "Shared name"
			return retry(&conflicts, &mu, func() error { return f.s.UpdateAPIKey(f.ctx, &c) })
		})
		winner := oneWinner(t, errs, "name")
		for i, k := range keys {
			got, err := f.s.GetAPIKey(f.ctx, k.ID)
			require.NoError(t, err)
			if i == winner {
				require.Equal(t, "Shared name", got.Name)
			} else {
				require.Equal(t, k, got, "a loser's key is as it was")
			}
		}
	}},
	{"concurrency/64 renames of keys to one name: one wins, the others are duplicates", func(t *testing.T, f *fixture) {
		keys := make([]*authcore.SigningKey, racers)
		for i := range keys {
			keys[i] = &authcore.SigningKey{ID: id(), Name: label("key %d", i), Algorithm: "HS256", Secret: []byte("secret"), InsertInstant: f.instant()}
			require.NoError(t, f.s.CreateKey(f.ctx, keys[i]))
		}
		var mu sync.Mutex
		var conflicts int64
		errs := race(racers, func(i int) error {
			c := *keys[i]
			c.Name = "Shared name"
			return retry(&conflicts, &mu, func() error { return f.s.UpdateKey(f.ctx, &c) })
		})
		winner := oneWinner(t, errs, "name")
		for i, k := range keys {
			got, err := f.s.GetKey(f.ctx, k.ID)
			require.NoError(t, err)
			if i == winner {
				require.Equal(t, "Shared name", got.Name)
			} else {
				require.Equal(t, k, got, "a loser's key is as it was")
			}
		}
	}},
	{"concurrency/64 creates of keys, half with one id and half with it as their kid: one wins", func(t *testing.T, f *fixture) {
		const shared = "shared-id-or-kid"
		keys := make([]*authcore.SigningKey, racers)
		for i := range keys {
			// Every key has a kid of its own, so no index holds both.
			keys[i] = &authcore.SigningKey{ID: id(), Kid: shared, Name: label("key %d", i), Algorithm: "ES256", PublicKey: []byte("public"), InsertInstant: f.instant()}
			if i%2 == 0 {
				keys[i].ID, keys[i].Kid = shared, label("own kid %d", i)
			}
		}
		var mu sync.Mutex
		var conflicts int64
		errs := race(racers, func(i int) error {
			return retry(&conflicts, &mu, func() error { return f.s.CreateKey(f.ctx, keys[i]) })
		})
		winner := oneWinner(t, errs, "")
		stored, err := f.s.ListKeys(f.ctx)
		require.NoError(t, err)
		require.Equal(t, []*authcore.SigningKey{keys[winner]}, stored, "only the winner's key is stored")
	}},
	{"concurrency/64 transactions create one link after a read-check: exactly one link", func(t *testing.T, f *fixture) {
		tn := f.tenant("T")
		f.provider("idp")
		users := make([]*authcore.User, racers)
		links := make([]*authcore.IdentityProviderLink, racers)
		for i := range users {
			users[i] = f.user(tn.ID, label("u%d@example.com", i), "")
			links[i] = f.newLink(users[i], "idp", "the-same-twitter-user")
		}
		var mu sync.Mutex
		var conflicts int64
		created := make([]bool, racers)
		errs := race(racers, func(i int) error {
			return retry(&conflicts, &mu, func() error {
				return f.s.InTx(f.ctx, func(ctx context.Context, tx authcore.Store) error {
					created[i] = false // a retried attempt starts over
					_, err := tx.GetLink(ctx, tn.ID, "idp", "the-same-twitter-user")
					if err == nil {
						return nil // linked already: log in as that user
					}
					if !errors.Is(err, authcore.ErrNotFound) {
						return err
					}
					if err := tx.CreateLink(ctx, links[i]); err != nil {
						return err
					}
					created[i] = true
					return nil
				})
			})
		})
		winners := 0
		for i, err := range errs {
			if err != nil {
				requireDuplicate(t, err, "link", "racer %d", i)
				continue
			}
			if created[i] {
				winners++
			}
		}
		require.Equal(t, 1, winners, "links created")
		t.Logf("link race: %d conflicts retried", conflicts)
		got, err := f.s.GetLink(f.ctx, tn.ID, "idp", "the-same-twitter-user")
		require.NoError(t, err)
		total := 0
		for i, u := range users {
			l, err := f.s.ListLinks(f.ctx, u.ID, "")
			require.NoError(t, err)
			total += len(l)
			if len(l) == 1 {
				require.True(t, created[i], "the stored link is the winner's")
				require.Equal(t, u.ID, got.UserID)
			}
		}
		require.Equal(t, 1, total, "links stored")
	}},
	{"concurrency/64 read-modify-write transactions on a tenant lose no update", func(t *testing.T, f *fixture) {
		tn := f.tenant("Counter")
		var mu sync.Mutex
		var conflicts int64
		errs := race(racers, func(int) error {
			return retry(&conflicts, &mu, func() error {
				return f.s.InTx(f.ctx, func(ctx context.Context, tx authcore.Store) error {
					cur, err := tx.GetTenant(ctx, tn.ID)
					if err != nil {
						return err
					}
					c, _ := cur.Data["counter"].(json.Number)
					n, _ := c.Int64()
					cur.Data["counter"] = n + 1
					return tx.UpdateTenant(ctx, cur)
				})
			})
		})
		for i, err := range errs {
			require.NoError(t, err, "racer %d", i)
		}
		got, err := f.s.GetTenant(f.ctx, tn.ID)
		require.NoError(t, err)
		require.Equal(t, json.Number(strconv.Itoa(racers)), got.Data["counter"])
		t.Logf("tenant counter: %d conflicts retried", conflicts)
	}},
	{"concurrency/64 read-modify-write transactions on the integrations lose no update", func(t *testing.T, f *fixture) {
		require.NoError(t, f.s.PutIntegrations(f.ctx, sampleIntegrations()))
		var mu sync.Mutex
		var conflicts int64
		errs := race(racers, func(int) error {
			return retry(&conflicts, &mu, func() error {
				return f.s.InTx(f.ctx, func(ctx context.Context, tx authcore.Store) error {
					cur, err := tx.GetIntegrations(ctx)
					if err != nil {
						return err
					}
					n, _ := strconv.Atoi(cur.Kafka.Producer["counter"])
					cur.Kafka.Producer["counter"] = strconv.Itoa(n + 1)
					return tx.PutIntegrations(ctx, cur)
				})
			})
		})
		for i, err := range errs {
			require.NoError(t, err, "racer %d", i)
		}
		got, err := f.s.GetIntegrations(f.ctx)
		require.NoError(t, err)
		require.Equal(t, strconv.Itoa(racers), got.Kafka.Producer["counter"])
		t.Logf("integrations counter: %d conflicts retried", conflicts)
	}},
	{"concurrency/64 takes of one pending link: one succeeds", func(t *testing.T, f *fixture) {
		tn := f.tenant("T")
		a := f.app(tn.ID, "a")
		p := f.pending(tn.ID, a.ID, "idp", f.now+1e9)
		now := f.now
		got := make([]*authcore.PendingLink, racers)
		errs := race(racers, func(i int) error {
			var err error
			got[i], err = f.s.TakePendingLink(f.ctx, p.ID, now)
			return err
		})
		taken := 0
		for i, err := range errs {
			if err == nil {
				taken++
				require.Equal(t, p, got[i])
				continue
			}
			requireNotFound(t, err, "racer %d", i)
		}
		require.Equal(t, 1, taken)
	}},
	{"concurrency/a revocation of an application's tokens takes the one a transaction creates meanwhile", func(t *testing.T, f *fixture) {
		// A creates a token of the application and stays open; B, begun
		// after, deletes the application's tokens. After both the token
		// must be gone: a delete that did not see A's uncommitted row
		// (PostgreSQL at READ COMMITTED) let the token outlive a
		// revocation that could commit after A. A store that runs one
		// write transaction at a time runs B's delete after A's work; one
		// that lets them overlap must make B's delete wait for A (the store's
		// test tells the suite when a transaction waits: WithWaiting). (SQLite's
		// group commit returns A only once B's function has returned too,
		// so A's end is not awaited before B's.)
		ctx := f.ctx
		tn := f.tenant("T")
		a := f.app(tn.ID, "a")
		u := f.user(tn.ID, "u@example.com", "")
		rt := f.newRefresh(u, a.ID, "created during the revocation")
		releaseA, aDone := f.heldTx(func(ctx context.Context, tx authcore.Store) error {
			return tx.CreateRefreshToken(ctx, rt)
		})
		deleted, releaseB := make(chan struct{}), make(chan struct{})
		bDone := make(chan error, 1)
		go func() {
			bDone <- f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
				_, err := tx.DeleteRefreshTokens(ctx, "", "", a.ID)
				close(deleted)
				<-releaseB
				return err
			})
		}()
		// Let A go on only once B has deleted (the overlap the case is
		// about: a store that gets here must have taken A's token) or
		// waits for A. Letting A go earlier, B's delete could run after A
		// committed, and the case would pass on a store without the wait.
		f.waitedOrDone(deleted)
		releaseA()
		<-deleted
		close(releaseB)
		require.NoError(t, <-aDone)
		require.NoError(t, <-bDone)
		_, err := f.s.GetRefreshToken(ctx, rt.ID)
		requireNotFound(t, err, "the token A committed before B's revocation did")
	}},
	{"concurrency/a token created while its application's delete commits is refused", func(t *testing.T, f *fixture) {
		// A deletes the application and stays open; B, begun after,
		// creates a token of the application. B must be refused
		// (ErrNotFound) and leave nothing: refresh tokens have no foreign
		// key to applications in the SQL stores, and on PostgreSQL an
		// insert that waited for A's lock of the application's tokens, and
		// checked for the application with a snapshot from before the
		// wait, left a token of the deleted application.
		ctx := f.ctx
		tn := f.tenant("T")
		a := f.app(tn.ID, "a")
		u := f.user(tn.ID, "u@example.com", "")
		rt := f.newRefresh(u, a.ID, "created during the delete")
		releaseA, aDone := f.heldTx(func(ctx context.Context, tx authcore.Store) error {
			return tx.DeleteApplication(ctx, a.ID)
		})
		created := make(chan struct{})
		bDone := make(chan error, 1)
		go func() {
			bDone <- f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
				defer close(created)
				return tx.CreateRefreshToken(ctx, rt)
			})
		}()
		// Let A commit only once B waits for it (or is done: a store that
		// got there without waiting must have refused the token all the
		// same, since A's delete is not undone).
		f.waitedOrDone(created)
		releaseA()
		require.NoError(t, <-aDone)
		requireNotFound(t, <-bDone, "the token of the deleted application")
		_, err := f.s.GetRefreshToken(ctx, rt.ID)
		requireNotFound(t, err, "no token of the deleted application is left")
	}},
}
