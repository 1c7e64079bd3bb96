package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// orderingCases pin the order of lists whose first keys tie.
var orderingCases = []testCase{
	{"links/order: instant, provider user id, then provider; a rolled-back delete keeps it", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		tn := f.tenant("T")
		u := f.user(tn.ID, "ada@example.com", "ada")
		now := f.instant()
		for _, p := range []string{"p2", "p3", "p1"} {
			f.provider(p)
			l := f.newLink(u, p, "same-id")
			l.InsertInstant = now
			require.NoError(t, f.s.CreateLink(ctx, l))
		}
		providers := func() []string {
			t.Helper()
			links, err := f.s.ListLinks(ctx, u.ID, "")
			require.NoError(t, err)
			var out []string
			for _, l := range links {
				out = append(out, l.IdentityProviderID)
			}
			return out
		}
		require.Equal(t, []string{"p1", "p2", "p3"}, providers())
		for _, undo := range []func(ctx context.Context, tx authcore.Store) error{
			func(ctx context.Context, tx authcore.Store) error { return tx.DeleteLink(ctx, tn.ID, "p1", "same-id") },
			func(ctx context.Context, tx authcore.Store) error { return tx.DeleteUser(ctx, u.ID) },
			func(ctx context.Context, tx authcore.Store) error { return tx.DeleteProviderLinks(ctx, "p2") },
		} {
			err := f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
				if err := undo(ctx, tx); err != nil {
					return err
				}
				return errInjected
			})
			require.ErrorIs(t, err, errInjected)
			require.Equal(t, []string{"p1", "p2", "p3"}, providers(), "after a rolled-back delete")
		}
	}},
}
