package sqlstore_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// A signing key stored before its former tenants and applications carried
// their InsertInstant holds them as bare ids: it still reads, each entry
// with the id and no InsertInstant (authcore then takes it only for tokens
// issued since the current tenant or application was created), and an
// update writes the entries in their present form.
func TestKeyWithBareFormerSignerIDsReads(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := t.Context()
			dsn := be.fresh(t)
			s := open(t, dsn)
			db := rawDB(t, dsn)
			doc := `{"ID":"k1","Name":"retired","Algorithm":"HS256","Secret":"c2VjcmV0LWsx","InsertInstant":1000,` +
				`"FormerTenants":["t1","t2"],"FormerApplications":["a1"]}`
			_, err := db.ExecContext(ctx, bindFor(s.Dialect(), `INSERT INTO signing_keys (id, kid, name_lower, insert_instant, doc) VALUES (?, ?, ?, ?, ?)`),
				"k1", "k1", "retired", 1000, doc)
			require.NoError(t, err)

			k, err := s.GetKey(ctx, "k1")
			require.NoError(t, err)
			require.Equal(t, []authcore.FormerSigner{{ID: "t1"}, {ID: "t2"}}, k.FormerTenants)
			require.Equal(t, []authcore.FormerSigner{{ID: "a1"}}, k.FormerApplications)
			require.Equal(t, []byte("secret-k1"), k.Secret)

			k.FormerTenants[1].InsertInstant = 2000
			require.NoError(t, s.UpdateKey(ctx, k))
			k, err = s.GetKey(ctx, "k1")
			require.NoError(t, err)
			require.Equal(t, []authcore.FormerSigner{{ID: "t1"}, {ID: "t2", InsertInstant: 2000}}, k.FormerTenants)
		})
	}
}
