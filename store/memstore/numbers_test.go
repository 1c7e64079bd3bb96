package memstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
)

// A Go caller's numbers come back as the json.Number a SQL store gives for
// them (encoding/json's text), whatever Go type they were put in as.
func TestDataNumbersComeBackAsJSONNumbers(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	require.NoError(t, s.CreateTenant(ctx, &authcore.Tenant{ID: "t", Name: "T"}))
	in := map[string]any{
		"float": 1.5, "int": 7, "uint8": uint8(3), "int64": int64(-9007199254740993),
		"large": 1e21, "small": 1e-7, "list": []any{2.0, json.Number("3")},
	}
	require.NoError(t, s.CreateUser(ctx, &authcore.User{ID: "u", TenantID: "t", Email: "n@example.com", Data: in}))
	u, err := s.GetUser(ctx, "u")
	require.NoError(t, err)
	want := map[string]any{}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&want))
	require.Equal(t, want, u.Data)
	require.Equal(t, json.Number("1e+21"), u.Data["large"])
}
