package sqlstore_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/sqlstore"
	"github.com/authcore/authcore/validation"
	"github.com/stretchr/testify/require"
)

// TestMigrationRenumbersDuplicateRegistrationIDs: a database made before
// registration ids were unique may hold two registrations with one id. The
// migration that adds the unique index (and nothing else, so that dropping
// the index and its schema_migrations row gives that older schema, which
// later migrations do not touch) keeps the
// id on the oldest registration (insert_instant, then user and application
// id) and gives each other a fresh UUID, in its column and in its document,
// the rest of which is kept as it was; then it builds the index.
func TestMigrationRenumbersDuplicateRegistrationIDs(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := t.Context()
			dsn := be.fresh(t)
			s, err := sqlstore.Open(ctx, dsn)
			require.NoError(t, err)
			dialect := s.Dialect()
			latest := sqlstore.LatestSchemaVersion(dialect)
			require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "T"}))
			for _, a := range []string{"a", "b"} {
				require.NoError(t, s.CreateApplication(ctx, &authcore.Application{ID: a, TenantID: "t", Name: a}))
			}
			users := []string{"u1", "u2", "u3", "u4"}
			for _, u := range users {
				require.NoError(t, s.CreateUser(ctx, &authcore.User{ID: u, TenantID: "t", Email: u + "@example.com"}))
			}
			const x, y, z = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222", "33333333-3333-4333-8333-333333333333"
			reg := func(id, user, app string, inserted int64) *authcore.UserRegistration {
				return &authcore.UserRegistration{ID: id, UserID: user, ApplicationID: app, Roles: []string{"r"}, Verified: true, InsertInstant: inserted, LastUpdateInstant: inserted}
			}
			keepX := reg(x, "u3", "a", 1000)
			dupX := reg(x, "u1", "a", 2000) // inserted later: renumbered, though its user id sorts first
			dupX.Data = map[string]any{"big": json.Number("12345678901234567890"), "f": json.Number("1.50"), "s": "a \"quoted\" ü"}
			dupX2 := reg(x, "u2", "b", 3000)
			keepY := reg(y, "u1", "b", 5000) // one instant: the smaller user id keeps it
			dupY := reg(y, "u2", "a", 5000)
			loneZ := reg(z, "u4", "a", 4000)
			all := []*authcore.UserRegistration{keepX, dupX, dupX2, keepY, dupY, loneZ}
			for i, r := range all {
				c := *r
				c.ID = fmt.Sprintf("00000000-0000-4000-8000-%012d", i) // stored apart first: the index refuses the duplicates
				require.NoError(t, s.CreateRegistration(ctx, &c))
			}
			require.NoError(t, s.Close())

			// Back to the schema before the index, and the duplicates put in.
			db := rawDB(t, dsn)
			bind := func(q string) string { return bindFor(dialect, q) }
			// The migration that built it: SQLite's 6, PostgreSQL's 7.
			undoMigration(t, db, dialect, map[sqlstore.Dialect]int{sqlstore.SQLite: 6, sqlstore.Postgres: 7}, `DROP INDEX registrations_id_key`)
			for _, r := range all {
				doc, err := json.Marshal(r)
				require.NoError(t, err)
				_, err = db.ExecContext(ctx, bind(`UPDATE registrations SET id = ?, doc = ? WHERE user_id = ? AND application_id = ?`), r.ID, string(doc), r.UserID, r.ApplicationID)
				require.NoError(t, err)
			}
			// A document that does not start with its id (the store writes
			// none such) is rewritten too.
			odd := reg(y, "u3", "b", 6000)
			_, err = db.ExecContext(ctx, bind(`INSERT INTO registrations (user_id, application_id, id, insert_instant, doc) VALUES (?, ?, ?, ?, ?)`),
				odd.UserID, odd.ApplicationID, odd.ID, odd.InsertInstant, `{"applicationId":"b", "roles":["r"], "verified":true, "id":"`+y+`", "insertInstant":6000, "lastUpdateInstant":6000}`)
			require.NoError(t, err)
			all = append(all, odd)

			s = open(t, dsn)
			v, err := s.SchemaVersion(ctx)
			require.NoError(t, err)
			require.Equal(t, latest, v)

			seen := map[string]bool{}
			for _, want := range all {
				got, err := s.GetRegistration(ctx, want.UserID, want.ApplicationID)
				require.NoError(t, err)
				require.False(t, seen[got.ID], "id %s is held twice", got.ID)
				seen[got.ID] = true
				var column string
				require.NoError(t, db.QueryRowContext(ctx, bind(`SELECT id FROM registrations WHERE user_id = ? AND application_id = ?`), want.UserID, want.ApplicationID).Scan(&column))
				require.Equal(t, got.ID, column, "the document and the column agree")
				switch want {
				case keepX, keepY, loneZ:
					require.Equal(t, want, got, "the oldest of an id, or the only one, is kept as it was")
				default:
					require.NotContains(t, []string{x, y, z}, got.ID, "%s/%s is renumbered", want.UserID, want.ApplicationID)
					require.True(t, validation.IsUUID(got.ID), "a fresh UUID: %s", got.ID)
					require.Equal(t, "4", got.ID[14:15], "version 4: %s", got.ID)
					require.Contains(t, "89ab", got.ID[19:20], "RFC 9562 variant: %s", got.ID)
					c := *want
					c.ID = got.ID
					require.Equal(t, &c, got, "only the id changed (data's numbers keep their text)")
				}
			}
			again := reg(x, "u4", "b", 7000)
			err = s.CreateRegistration(ctx, again)
			var dup *authcore.DuplicateError
			require.True(t, errors.As(err, &dup), "the index is built: %v", err)
			require.Equal(t, "registrationId", dup.Field)
		})
	}
}
