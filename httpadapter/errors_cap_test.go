package httpadapter_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/validation"
)

// A provider whose applicationConfiguration and tenantConfiguration hold a
// megabyte of short unknown keys is refused with the first
// validation.MaxErrors errors, by their field paths and codes, and one
// general error counting the rest. One [invalid] entry per key made the
// answer over ten times the size of the request.
func TestManyBadKeysGiveABoundedAnswer(t *testing.T) {
	f := newIdPFixture(t)
	var apps, tenants []string
	var b strings.Builder
	b.WriteString(`{"identityProvider":{"type":"Twitter","consumerKey":"ck","consumerSecret":"cs","applicationConfiguration":{`)
	for i := 0; b.Len() < 700<<10; i++ {
		k := strconv.FormatInt(int64(i), 36)
		apps = append(apps, k)
		fmt.Fprintf(&b, "%s%q:{}", sep(i), k)
	}
	b.WriteString(`},"tenantConfiguration":{`)
	for i := 0; b.Len() < 1000<<10; i++ {
		k := "t" + strconv.FormatInt(int64(i), 36)
		tenants = append(tenants, k)
		fmt.Fprintf(&b, "%s%q:{}", sep(i), k)
	}
	b.WriteString(`}}}`)
	require.Less(t, b.Len(), 1<<20, "within the body limit")

	r := f.do("POST", "/api/identity-provider", b.String())
	require.Equal(t, http.StatusBadRequest, r.Code, excerptOf(r.Body))
	assert.Less(t, len(r.Body), 64<<10, "the answer stays small")

	var got validation.Errors
	require.NoError(t, json.Unmarshal([]byte(r.Body), &got))
	require.Len(t, got.FieldErrors["identityProvider.buttonText"], 1, "the first error is kept")
	assert.Equal(t, "[blank]identityProvider.buttonText", got.FieldErrors["identityProvider.buttonText"][0].Code)

	sort.Strings(apps)
	const path = "identityProvider.applicationConfiguration"
	kept := got.FieldErrors[path]
	require.Len(t, kept, validation.MaxErrors-1)
	for i, e := range kept {
		assert.Equal(t, "[invalid]"+path, e.Code)
		assert.Contains(t, e.Message, "["+apps[i]+"]", "entry %d names the %d-th key in order", i, i)
	}
	assert.NotContains(t, got.FieldErrors, "identityProvider.tenantConfiguration", "past the cap")
	require.Len(t, got.GeneralErrors, 1)
	left := 1 + len(apps) + len(tenants) - validation.MaxErrors
	assert.Equal(t, validation.CodeTooManyErrors, got.GeneralErrors[0].Code)
	assert.Equal(t, fmt.Sprintf("This answer lists the first %d errors; %d more were left out.", validation.MaxErrors, left), got.GeneralErrors[0].Message)

	assert.Equal(t, http.StatusNotFound, f.do("GET", "/api/identity-provider/"+twitterID, "").Code, "nothing stored")
}

func sep(i int) string {
	if i == 0 {
		return ""
	}
	return ","
}

func excerptOf(s string) string {
	if len(s) > 512 {
		return s[:512] + "…"
	}
	return s
}
