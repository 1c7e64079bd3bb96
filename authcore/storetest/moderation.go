package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

func moderationItem(contentID, username string) *authcore.ModerationItem {
	return &authcore.ModerationItem{ContentID: contentID, TenantID: id(), UserID: id(), Username: username, InsertInstant: 7}
}

func contentIDs(items []*authcore.ModerationItem) []string {
	out := make([]string, 0, len(items))
	for _, m := range items {
		out = append(out, m.ContentID)
	}
	return out
}

var moderationListCases = []testCase{
	{"moderation/list pages by content id in byte order", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		empty, err := f.s.ListModerationItems(ctx, "", 10)
		require.NoError(t, err)
		require.NotNil(t, empty, "none is an empty slice")
		require.Empty(t, empty)
		// Upper case sorts before lower case and "-" before letters in byte
		// order; a linguistic collation would interleave them.
		for _, cid := range []string{"b", "a-1", "Z", "0", "A-1"} {
			require.NoError(t, f.s.PutModerationItem(ctx, moderationItem(cid, "name-"+cid)))
		}
		want := []string{"0", "A-1", "Z", "a-1", "b"}
		var got []string
		after := ""
		for range len(want) {
			page, err := f.s.ListModerationItems(ctx, after, 2)
			require.NoError(t, err)
			if len(page) == 0 {
				break
			}
			require.LessOrEqual(t, len(page), 2)
			got = append(got, contentIDs(page)...)
			after = page[len(page)-1].ContentID
		}
		require.Equal(t, want, got)
		rest, err := f.s.ListModerationItems(ctx, "Z", 10)
		require.NoError(t, err)
		require.Equal(t, []string{"a-1", "b"}, contentIDs(rest), "after is exclusive")
		none, err := f.s.ListModerationItems(ctx, "c", 10)
		require.NoError(t, err)
		require.Empty(t, none)
	}},
	{"moderation/list returns whole items, as copies, and defaults to 100 a page", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		pending := moderationItem("a", "pending")
		pending.ApplicationID, pending.Resubmit, pending.ResubmitAsUpdate = id(), true, true
		require.NoError(t, f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			if err := tx.PutModerationItem(ctx, pending); err != nil {
				return err
			}
			for i := range 100 {
				if err := tx.PutModerationItem(ctx, moderationItem(fmt.Sprintf("b%03d", i), "n")); err != nil {
					return err
				}
			}
			return nil
		}))
		page, err := f.s.ListModerationItems(ctx, "", 0)
		require.NoError(t, err)
		require.Len(t, page, 100)
		require.Equal(t, *pending, *page[0], "every field round-trips, the resubmission marks too")
		page[0].Username = "changed outside"
		again, err := f.s.ListModerationItems(ctx, "", 1)
		require.NoError(t, err)
		require.Equal(t, "pending", again[0].Username, "values are copies")
		last, err := f.s.ListModerationItems(ctx, page[99].ContentID, -1)
		require.NoError(t, err)
		require.Equal(t, []string{"b099"}, contentIDs(last))
	}},
	{"moderation/list inside a transaction sees its writes; a rollback takes them back", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		require.NoError(t, f.s.PutModerationItem(ctx, moderationItem("kept", "kept")))
		err := f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			require.NoError(t, tx.PutModerationItem(ctx, moderationItem("new", "new")))
			require.NoError(t, tx.DeleteModerationItem(ctx, "kept"))
			got, err := tx.ListModerationItems(ctx, "", 10)
			require.NoError(t, err)
			require.Equal(t, []string{"new"}, contentIDs(got))
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		got, err := f.s.ListModerationItems(ctx, "", 10)
		require.NoError(t, err)
		require.Equal(t, []string{"kept"}, contentIDs(got))
	}},
	{"moderation/a user's delete takes its items, a tenant's delete its users' items; a rollback keeps them", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		t1, t2 := f.tenant("one"), f.tenant("two")
		a := f.app(t1.ID, "app")
		gone := f.user(t1.ID, "gone@example.com", "gone")
		f.reg(gone.ID, a.ID)
		stays := f.user(t1.ID, "stays@example.com", "stays")
		other := f.user(t2.ID, "other@example.com", "other")
		item := func(contentID string, u *authcore.User, appID string) *authcore.ModerationItem {
			return &authcore.ModerationItem{ContentID: contentID, TenantID: u.TenantID, UserID: u.ID, ApplicationID: appID, Username: u.Username, InsertInstant: 7}
		}
		for _, m := range []*authcore.ModerationItem{
			item("gone-user", gone, ""), item("gone-reg", gone, a.ID),
			item("stays-user", stays, ""), item("other-user", other, ""),
		} {
			require.NoError(t, f.s.PutModerationItem(ctx, m))
		}
		all := func() []string {
			got, err := f.s.ListModerationItems(ctx, "", 10)
			require.NoError(t, err)
			return contentIDs(got)
		}

		require.ErrorIs(t, f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			require.NoError(t, tx.DeleteUser(ctx, gone.ID))
			got, err := tx.ListModerationItems(ctx, "", 10)
			require.NoError(t, err)
			require.Equal(t, []string{"other-user", "stays-user"}, contentIDs(got), "gone in the delete's transaction")
			return errRollback
		}), errRollback)
		require.Equal(t, []string{"gone-reg", "gone-user", "other-user", "stays-user"}, all(), "a rolled-back delete keeps them")

		require.NoError(t, f.s.DeleteUser(ctx, gone.ID))
		require.Equal(t, []string{"other-user", "stays-user"}, all(), "the user's items, its registrations' too")
		_, err := f.s.GetModerationItem(ctx, "gone-reg")
		requireNotFound(t, err)

		require.NoError(t, f.s.DeleteTenant(ctx, t1.ID))
		require.Equal(t, []string{"other-user"}, all(), "the tenant's users' items; another tenant's stay")
	}},
	{"moderation/a registration's delete takes its items, an application's delete its registrations' items; a rollback keeps them", func(t *testing.T, f *fixture) {
		ctx := f.ctx
		tn := f.tenant("one")
		a, b := f.app(tn.ID, "a"), f.app(tn.ID, "b")
		u, v := f.user(tn.ID, "u@example.com", "u"), f.user(tn.ID, "v@example.com", "v")
		for _, r := range [][2]string{{u.ID, a.ID}, {u.ID, b.ID}, {v.ID, a.ID}, {v.ID, b.ID}} {
			f.reg(r[0], r[1])
		}
		item := func(contentID string, u *authcore.User, appID string) *authcore.ModerationItem {
			return &authcore.ModerationItem{ContentID: contentID, TenantID: u.TenantID, UserID: u.ID, ApplicationID: appID, Username: u.Username, InsertInstant: 7}
		}
		// u-a-old: an item the registration's username no longer names (a
		// registration deleted and made again, a stale write): it is still
		// the registration's, and goes with it.
		for _, m := range []*authcore.ModerationItem{
			item("u-a", u, a.ID), item("u-a-old", u, a.ID), item("u-b", u, b.ID), item("u-user", u, ""),
			item("v-a", v, a.ID), item("v-b", v, b.ID), item("v-user", v, ""),
		} {
			require.NoError(t, f.s.PutModerationItem(ctx, m))
		}
		all := func() []string {
			got, err := f.s.ListModerationItems(ctx, "", 10)
			require.NoError(t, err)
			return contentIDs(got)
		}
		everything := []string{"u-a", "u-a-old", "u-b", "u-user", "v-a", "v-b", "v-user"}

		require.ErrorIs(t, f.s.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			require.NoError(t, tx.DeleteRegistration(ctx, u.ID, a.ID))
			got, err := tx.ListModerationItems(ctx, "", 10)
			require.NoError(t, err)
			require.Equal(t, []string{"u-b", "u-user", "v-a", "v-b", "v-user"}, contentIDs(got), "gone in the delete's transaction")
			require.NoError(t, tx.DeleteApplication(ctx, b.ID))
			got, err = tx.ListModerationItems(ctx, "", 10)
			require.NoError(t, err)
			require.Equal(t, []string{"u-user", "v-a", "v-user"}, contentIDs(got), "gone in the delete's transaction")
			return errRollback
		}), errRollback)
		require.Equal(t, everything, all(), "rolled-back deletes keep them")

		require.NoError(t, f.s.DeleteRegistration(ctx, u.ID, a.ID))
		require.Equal(t, []string{"u-b", "u-user", "v-a", "v-b", "v-user"}, all(),
			"the registration's items; the user's own, its other registration's and another user's stay")
		_, err := f.s.GetModerationItem(ctx, "u-a-old")
		requireNotFound(t, err)

		require.NoError(t, f.s.DeleteApplication(ctx, b.ID))
		require.Equal(t, []string{"u-user", "v-a", "v-user"}, all(), "the application's registrations' items; another application's stay")

		// A user's item is not an application's: an empty application id
		// names none.
		require.NoError(t, f.s.DeleteApplication(ctx, a.ID))
		require.Equal(t, []string{"u-user", "v-user"}, all())
	}},
}
