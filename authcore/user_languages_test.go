package authcore_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// FusionAuth: "The maximum number of allowed preferred languages is 20."
func TestUserPreferredLanguagesLimit(t *testing.T) {
	// Locales "aa", "ab"…: each must be one.
	langs := func(from, n int) []string {
		var out []string
		for i := from; i < from+n; i++ {
			out = append(out, fmt.Sprintf("%c%c", 'a'+i/26, 'a'+i%26))
		}
		return out
	}
	f := newDomFixture(t)
	_, err := f.e.CreateUser(f.ctx, "", userReq(authcore.UserInput{Email: "a@example.com", PreferredLanguages: langs(0, 21)}))
	assert.Equal(t, []string{"[tooMany]user.preferredLanguages"}, errCodes(t, err))

	u, err := f.e.CreateUser(f.ctx, "", userReq(authcore.UserInput{Email: "b@example.com", PreferredLanguages: langs(0, 20)}))
	require.NoError(t, err)
	assert.Len(t, u.PreferredLanguages, 20)

	// A legacy PATCH appends: one more is the 21st.
	body, err := json.Marshal(map[string]any{"user": map[string]any{"preferredLanguages": langs(20, 1)}})
	require.NoError(t, err)
	_, err = f.e.PatchUser(f.ctx, u.ID, authcore.PatchRequest{ContentType: "application/json", Body: body})
	assert.Equal(t, []string{"[tooMany]user.preferredLanguages"}, errCodes(t, err))
	got, err := f.e.User(f.ctx, u.ID)
	require.NoError(t, err)
	assert.Len(t, got.PreferredLanguages, 20, "nothing stored")
}
