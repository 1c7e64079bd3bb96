package authcore_test

import (
	"strings"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/validation"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// searchFixture has the Twitter provider enabled for app (default tenant)
// and present but disabled for off, with a link limit for each tenant.
func searchFixture(t *testing.T) (f *domFixture, app, off, other string) {
	t.Helper()
	f = newDomFixture(t)
	other = f.tenant("other")
	app = f.app(f.def, "enabled app").ID
	off = f.app(f.def, "disabled app").ID
	_, err := f.e.CreateIdentityProvider(f.ctx, "", twitter.Provider{
		Type: twitter.TypeName, Enabled: true, ButtonText: "b", ConsumerKey: "k", ConsumerSecret: "top-secret",
		ApplicationConfiguration: map[string]twitter.ApplicationConfiguration{
			app: {Enabled: true, ConsumerSecret: "app-secret"},
			off: {Enabled: false},
		},
		TenantConfiguration: map[string]twitter.TenantConfiguration{
			f.def: {LimitUserLinkCount: twitter.LimitUserLinkCount{Enabled: true}},
			other: {LimitUserLinkCount: twitter.LimitUserLinkCount{Enabled: true}},
		},
	})
	require.NoError(t, err)
	return f, app, off, other
}

func TestSearchIdentityProvidersCriteria(t *testing.T) {
	f, app, off, other := searchFixture(t)
	for _, tc := range []struct {
		name  string
		c     authcore.IdentityProviderSearchCriteria
		total int
		page  int
	}{
		{"no criteria", authcore.IdentityProviderSearchCriteria{}, 1, 1},
		// FusionAuth: case-insensitive, "*" a wildcard, no wildcard means *value*.
		{"name inside", authcore.IdentityProviderSearchCriteria{Name: "witt"}, 1, 1},
		{"name any case", authcore.IdentityProviderSearchCriteria{Name: "TWITTER"}, 1, 1},
		{"name prefix", authcore.IdentityProviderSearchCriteria{Name: "twit*"}, 1, 1},
		{"name suffix", authcore.IdentityProviderSearchCriteria{Name: "*TER"}, 1, 1},
		{"name with a wildcard matches whole", authcore.IdentityProviderSearchCriteria{Name: "witt*"}, 0, 0},
		{"name star", authcore.IdentityProviderSearchCriteria{Name: "*"}, 1, 1},
		{"name other", authcore.IdentityProviderSearchCriteria{Name: "Google"}, 0, 0},
		{"type Twitter", authcore.IdentityProviderSearchCriteria{Type: "Twitter"}, 1, 1},
		{"type of another provider", authcore.IdentityProviderSearchCriteria{Type: "Google"}, 0, 0},
		{"enabled for the application", authcore.IdentityProviderSearchCriteria{ApplicationID: app}, 1, 1},
		{"application id in upper case", authcore.IdentityProviderSearchCriteria{ApplicationID: strings.ToUpper(app)}, 1, 1},
		{"disabled for the application", authcore.IdentityProviderSearchCriteria{ApplicationID: off}, 0, 0},
		{"unknown application", authcore.IdentityProviderSearchCriteria{ApplicationID: "0f0e0d0c-0b0a-4908-8706-050403020100"}, 0, 0},
		{"global provider in any tenant", authcore.IdentityProviderSearchCriteria{TenantID: other}, 1, 1},
		{"source System", authcore.IdentityProviderSearchCriteria{Source: "system"}, 1, 1},
		{"source Tenant Manager", authcore.IdentityProviderSearchCriteria{Source: "Tenant Manager"}, 0, 0},
		{"past the end", authcore.IdentityProviderSearchCriteria{StartRow: 1}, 1, 0},
		{"one per page", authcore.IdentityProviderSearchCriteria{NumberOfResults: 1}, 1, 1},
		{"order by insertInstant DESC", authcore.IdentityProviderSearchCriteria{OrderBy: "insertInstant DESC"}, 1, 1},
		{"order in any case", authcore.IdentityProviderSearchCriteria{OrderBy: "ENABLED asc"}, 1, 1},
		{"order by source", authcore.IdentityProviderSearchCriteria{OrderBy: "source"}, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := f.e.SearchIdentityProviders(f.ctx, tc.c)
			require.NoError(t, err)
			assert.Equal(t, tc.total, res.Total)
			require.NotNil(t, res.IdentityProviders, "never null on the wire")
			require.Len(t, res.IdentityProviders, tc.page)
			if tc.page == 1 {
				assert.Equal(t, twitter.ProviderID, res.IdentityProviders[0].ID)
				assert.Equal(t, twitter.Secret("app-secret"), res.IdentityProviders[0].ApplicationConfiguration[app].ConsumerSecret)
			}
		})
	}
}

func TestSearchIdentityProvidersRefusesBadCriteria(t *testing.T) {
	f, _, _, _ := searchFixture(t)
	for _, tc := range []struct {
		name string
		c    authcore.IdentityProviderSearchCriteria
		want []string
	}{
		{"negative startRow", authcore.IdentityProviderSearchCriteria{StartRow: -1}, []string{"[invalid]search.startRow"}},
		{"negative numberOfResults", authcore.IdentityProviderSearchCriteria{NumberOfResults: -5}, []string{"[invalid]search.numberOfResults"}},
		{"numberOfResults past a Java int", authcore.IdentityProviderSearchCriteria{NumberOfResults: 1 << 31}, []string{"[invalid]search.numberOfResults"}},
		{"unknown orderBy", authcore.IdentityProviderSearchCriteria{OrderBy: "consumerSecret"}, []string{"[invalid]search.orderBy"}},
		{"unknown direction", authcore.IdentityProviderSearchCriteria{OrderBy: "name sideways"}, []string{"[invalid]search.orderBy"}},
		{"three words", authcore.IdentityProviderSearchCriteria{OrderBy: "name ASC id"}, []string{"[invalid]search.orderBy"}},
		{"unknown type", authcore.IdentityProviderSearchCriteria{Type: "MySpace"}, []string{"[invalid]search.type"}},
		// FusionAuth's IdentityProviderType is a Java enum: its case matters.
		{"type in another case", authcore.IdentityProviderSearchCriteria{Type: "twitter"}, []string{"[invalid]search.type"}},
		{"application id not a UUID", authcore.IdentityProviderSearchCriteria{ApplicationID: "app"}, []string{"[invalid]search.applicationId"}},
		{"tenant id not a UUID", authcore.IdentityProviderSearchCriteria{TenantID: "t"}, []string{"[invalid]search.tenantId"}},
		{"every error at once", authcore.IdentityProviderSearchCriteria{StartRow: -1, OrderBy: "x", Type: "x"},
			[]string{"[invalid]search.orderBy", "[invalid]search.startRow", "[invalid]search.type"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.e.SearchIdentityProviders(f.ctx, tc.c)
			var v *validation.Errors
			require.ErrorAs(t, err, &v)
			assert.ElementsMatch(t, tc.want, v.Codes())
		})
	}
}

// A tenant-scoped search sees the provider as a scoped read does: only its
// tenant's entries, so another tenant's application finds nothing.
func TestSearchIdentityProvidersTenantScope(t *testing.T) {
	f, app, _, other := searchFixture(t)
	ctx := authcore.WithScope(f.ctx, authcore.Scope{KeyTenantID: other})
	res, err := f.e.SearchIdentityProviders(ctx, authcore.IdentityProviderSearchCriteria{})
	require.NoError(t, err)
	require.Len(t, res.IdentityProviders, 1)
	p := res.IdentityProviders[0]
	assert.Empty(t, p.ApplicationConfiguration, "the default tenant's applications")
	assert.Contains(t, p.TenantConfiguration, other)
	assert.NotContains(t, p.TenantConfiguration, f.def)

	res, err = f.e.SearchIdentityProviders(ctx, authcore.IdentityProviderSearchCriteria{ApplicationID: app})
	require.NoError(t, err)
	assert.Equal(t, 0, res.Total)
	assert.Empty(t, res.IdentityProviders)
}

func TestSearchIdentityProvidersWithoutProvider(t *testing.T) {
	f := newDomFixture(t)
	res, err := f.e.SearchIdentityProviders(f.ctx, authcore.IdentityProviderSearchCriteria{Name: "Twitter"})
	require.NoError(t, err)
	assert.Equal(t, 0, res.Total)
	assert.NotNil(t, res.IdentityProviders)
	assert.Empty(t, res.IdentityProviders)
}

// No provider here manages an e-mail domain (FusionAuth: only OpenID
// Connect and SAML v2 do), so the lookup finds nothing (nil, no error) once
// its input is valid.
func TestLookupIdentityProvider(t *testing.T) {
	f, _, _, other := searchFixture(t)
	for _, domain := range []string{"acme.com", "jenny@acme.com", "twitter.com"} {
		for _, tenantID := range []string{"", other} {
			d, err := f.e.LookupIdentityProvider(f.ctx, domain, tenantID)
			require.NoError(t, err, "%s in %q", domain, tenantID)
			assert.Nil(t, d, "%s in %q: no provider manages it", domain, tenantID)
		}
	}
	for _, tc := range []struct{ domain, tenantID, want string }{
		{"", "", "[missing]domain"},
		{"  ", "", "[missing]domain"},
		{"acme.com", "not-a-uuid", "[couldNotConvert]tenantId"},
	} {
		_, err := f.e.LookupIdentityProvider(f.ctx, tc.domain, tc.tenantID)
		var v *validation.Errors
		require.ErrorAs(t, err, &v, "%q %q", tc.domain, tc.tenantID)
		assert.Equal(t, []string{tc.want}, v.Codes())
	}
}
