package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// integrityCases pin what a store answers to writes that break more than
// one rule at once, or that it cannot keep: every store must answer the
// same, since the engine turns the answer into the Errors object a client
// sees.
var integrityCases = []testCase{
	{"duplicates: a write that breaks several uniqueness rules names the id, then the e-mail before the username", func(t *testing.T, f *fixture) {
		tn := f.tenant("Acme")
		a := f.app(tn.ID, "a")
		u := f.user(tn.ID, "ada@example.com", "ada")
		other := f.user(tn.ID, "bob@example.com", "bob")
		token := f.refresh(u, a.ID, "token-hash")
		require.NoError(t, f.s.CreateAPIKey(f.ctx, &authcore.APIKey{ID: "key", KeyHash: []byte("key-hash"), InsertInstant: f.instant()}))

		writes := []struct {
			name  string
			field string
			write func(ctx context.Context, s authcore.Store) error
		}{
			{"tenant with a taken id and name", "id", func(ctx context.Context, s authcore.Store) error {
				return s.CreateTenant(ctx, f.newTenantWithID(tn.ID, "ACME"))
			}},
			{"user with a taken id, e-mail and username", "id", func(ctx context.Context, s authcore.Store) error {
				v := f.newUser(tn.ID, "ADA@example.com", "Ada")
				v.ID = u.ID
				return s.CreateUser(ctx, v)
			}},
			{"user with a taken id and e-mail", "id", func(ctx context.Context, s authcore.Store) error {
				v := f.newUser(tn.ID, "ada@example.com", "")
				v.ID = u.ID
				return s.CreateUser(ctx, v)
			}},
			{"user with a taken e-mail and username", "email", func(ctx context.Context, s authcore.Store) error {
				return s.CreateUser(ctx, f.newUser(tn.ID, "Ada@Example.com", "ADA"))
			}},
			{"update to another user's e-mail and username", "email", func(ctx context.Context, s authcore.Store) error {
				v := *other
				v.Email, v.Username = "ada@example.com", "ada"
				return s.UpdateUser(ctx, &v)
			}},
			{"API key with a taken id and hash", "id", func(ctx context.Context, s authcore.Store) error {
				return s.CreateAPIKey(ctx, &authcore.APIKey{ID: "key", KeyHash: []byte("key-hash"), InsertInstant: f.instant()})
			}},
			{"refresh token with a taken id and hash", "id", func(ctx context.Context, s authcore.Store) error {
				v := f.newRefresh(u, a.ID, "token-hash")
				v.ID = token.ID
				return s.CreateRefreshToken(ctx, v)
			}},
		}
		for _, w := range writes {
			requireDuplicate(t, w.write(f.ctx, f.s), w.field, w.name)
			err := f.s.InTx(f.ctx, func(ctx context.Context, tx authcore.Store) error {
				requireDuplicate(t, w.write(ctx, tx), w.field, "%s, in a transaction", w.name)
				// The refused write left the transaction usable.
				_, err := tx.GetUser(ctx, u.ID)
				return err
			})
			require.NoError(t, err, w.name)
		}
		got, err := f.s.GetUser(f.ctx, other.ID)
		require.NoError(t, err)
		require.Equal(t, other, got, "the refused update changed nothing")
	}},
}
