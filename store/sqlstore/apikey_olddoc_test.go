package sqlstore_test

import (
	"crypto/sha256"
	"encoding/base64"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/stretchr/testify/require"
)

// TestAPIKeyStoredBeforePermissions: a key written before API keys had
// endpoint permissions, a key-manager flag and an expiry (its document
// holds the five fields it had then) is read back with none of them, so it
// keeps access to every endpoint, and an update adds them to it. No
// migration is needed: the fields live in the document.
func TestAPIKeyStoredBeforePermissions(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := t.Context()
			dsn := be.fresh(t)
			s := open(t, dsn)
			dialect := s.Dialect()
			db := rawDB(t, dsn)
			h := sha256.Sum256([]byte("an-old-key-of-sixteen"))
			old := `{"ID":"old","KeyHash":"` + base64.StdEncoding.EncodeToString(h[:]) + `","TenantID":"","Description":"from before","InsertInstant":1000}`
			_, err := db.ExecContext(ctx, bindFor(dialect, `INSERT INTO api_keys (id, key_hash, insert_instant, doc) VALUES (?, ?, ?, ?)`), "old", h[:], 1000, old)
			require.NoError(t, err)

			want := &authcore.APIKey{ID: "old", KeyHash: h[:], Description: "from before", InsertInstant: 1000}
			got, err := s.GetAPIKey(ctx, "old")
			require.NoError(t, err)
			require.Equal(t, want, got)
			got, err = s.GetAPIKeyByHash(ctx, h[:])
			require.NoError(t, err)
			require.Equal(t, want, got)

			up := *want
			up.Endpoints = map[string][]string{"/api/user": {"GET"}}
			up.LastUpdateInstant = 2000
			require.NoError(t, s.UpdateAPIKey(ctx, &up))
			got, err = s.GetAPIKeyByHash(ctx, h[:])
			require.NoError(t, err)
			require.Equal(t, &up, got)
		})
	}
}
