package authcore_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/validation"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func userReq(in authcore.UserInput) authcore.UserRequest { return authcore.UserRequest{User: in} }

func TestCreateUser(t *testing.T) {
	f := newDomFixture(t)
	u, err := f.e.CreateUser(f.ctx, "", userReq(authcore.UserInput{
		Email: " Ann@Example.com ", Username: "ann", FullName: "Ann Example", FirstName: "Ann", LastName: "Example",
		ImageURL: "https://example.com/ann.png", BirthDate: "1980-02-29", Timezone: "Europe/Paris",
		PreferredLanguages: []string{"fr", "en", "fr", ""}, Data: map[string]any{"k": "v"}, Expiry: 1_800_000_000_000,
		PasswordChangeRequired: true, TwoFactor: &authcore.TwoFactor{Methods: []authcore.TwoFactorMethod{{ID: "35VW", Method: "authenticator"}}},
	}))
	require.NoError(t, err)
	assert.Len(t, u.ID, 36)
	assert.Equal(t, f.def, u.TenantID)
	assert.Equal(t, "Ann@Example.com", u.Email, "kept as given, trimmed")
	assert.Equal(t, authcore.UsernameStatusActive, u.UsernameStatus)
	assert.True(t, u.Active, "active by default")
	assert.True(t, u.Verified, "the tenant does not require verification")
	assert.Equal(t, u.InsertInstant, u.VerifiedInstant)
	assert.Equal(t, []string{"fr", "en"}, u.PreferredLanguages, "cleaned: no blanks or repeats")
	assert.True(t, u.PasswordChangeRequired)
	assert.Equal(t, "authenticator", u.TwoFactor.Methods[0].Method)
	assert.Empty(t, u.Registrations)

	got, err := f.e.User(f.ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, u, got)
	byEmail, err := f.e.UserByEmail(f.ctx, "ANN@example.COM")
	require.NoError(t, err)
	assert.Equal(t, u.ID, byEmail.ID, "e-mail lookup ignores case")
	byName, err := f.e.UserByUsername(f.ctx, "ANN")
	require.NoError(t, err)
	assert.Equal(t, u.ID, byName.ID)
	byLogin, err := f.e.UserByLoginID(f.ctx, "ann")
	require.NoError(t, err)
	assert.Equal(t, u.ID, byLogin.ID)
	_, err = f.e.UserByEmail(f.ctx, "nobody@example.com")
	assert.ErrorIs(t, err, authcore.ErrNotFound)
	_, err = f.e.UserByEmail(f.ctx, "")
	assert.ErrorIs(t, err, authcore.ErrNotFound)

	off, err := f.e.CreateUser(f.ctx, "6a1c7e3e-2b5d-4f8a-9c0e-1d2f3a4b5c6d", userReq(authcore.UserInput{Username: "off", Active: boolPtr(false)}))
	require.NoError(t, err)
	assert.Equal(t, "6a1c7e3e-2b5d-4f8a-9c0e-1d2f3a4b5c6d", off.ID)
	assert.True(t, off.Active, "user.active is no request property: a new user is active")
	assert.True(t, off.Verified, "nothing to verify without an e-mail")
}

func TestCreateUserVerification(t *testing.T) {
	f := newDomFixture(t)
	strict, err := f.e.CreateTenant(f.ctx, "", authcore.Tenant{Name: "strict", EmailConfiguration: authcore.EmailConfiguration{VerifyEmail: true}})
	require.NoError(t, err)

	u, err := f.e.CreateUser(f.ctx, "", userReq(authcore.UserInput{TenantID: strict.ID, Email: "a@example.com"}))
	require.NoError(t, err)
	assert.False(t, u.Verified)
	assert.Zero(t, u.VerifiedInstant)

	v, err := f.e.CreateUser(f.ctx, "", authcore.UserRequest{User: authcore.UserInput{TenantID: strict.ID, Email: "b@example.com"}, SkipVerification: true})
	require.NoError(t, err)
	assert.True(t, v.Verified)
	assert.NotZero(t, v.VerifiedInstant)

	// A new e-mail needs verifying again; verifiedInstant stays the first one.
	moved, err := f.e.UpdateUser(f.ctx, v.ID, userReq(authcore.UserInput{Email: "c@example.com"}))
	require.NoError(t, err)
	assert.False(t, moved.Verified)
	assert.Equal(t, v.VerifiedInstant, moved.VerifiedInstant)
	same, err := f.e.UpdateUser(f.ctx, u.ID, authcore.UserRequest{User: authcore.UserInput{Email: "A@example.com"}, SkipVerification: true})
	require.NoError(t, err)
	assert.True(t, same.Verified)
	assert.NotZero(t, same.VerifiedInstant)
}

func TestCreateUserValidation(t *testing.T) {
	tests := []struct {
		name  string
		id    string
		in    authcore.UserInput
		codes []string
	}{
		{"neither email nor username", "", authcore.UserInput{FirstName: "x"}, []string{"[blank]user.email"}},
		{"blank after trim", "", authcore.UserInput{Email: "  ", Username: " "}, []string{"[blank]user.email"}},
		{"no at", "", authcore.UserInput{Email: "example.com"}, []string{"[notEmail]user.email"}},
		{"two ats", "", authcore.UserInput{Email: "a@b@example.com"}, []string{"[notEmail]user.email"}},
		{"no domain dot", "", authcore.UserInput{Email: "a@localhost"}, []string{"[notEmail]user.email"}},
		{"empty label", "", authcore.UserInput{Email: "a@example..com"}, []string{"[notEmail]user.email"}},
		{"space inside", "", authcore.UserInput{Email: "a b@example.com"}, []string{"[notEmail]user.email"}},
		{"no local part", "", authcore.UserInput{Email: "@example.com"}, []string{"[notEmail]user.email"}},
		{"password", "", authcore.UserInput{Email: "a@example.com", Password: "secret123"}, []string{"[notSupported]user.password"}},
		{"birth date", "", authcore.UserInput{Email: "a@example.com", BirthDate: "30/05/1976"}, []string{"[invalidJSON]user.birthDate"}},
		{"timezone", "", authcore.UserInput{Email: "a@example.com", Timezone: "Not/A_Zone"}, []string{"[invalidJSON]user.timezone"}},
		{"timezone Local", "", authcore.UserInput{Email: "a@example.com", Timezone: "Local"}, []string{"[invalidJSON]user.timezone"}},
		{"several", "", authcore.UserInput{Password: "x", BirthDate: "x"}, []string{"[blank]user.email", "[invalidJSON]user.birthDate", "[notSupported]user.password"}},
		{"duplicate email", "", authcore.UserInput{Email: "TAKEN@example.com"}, []string{"[duplicate]user.email"}},
		{"duplicate username", "", authcore.UserInput{Email: "new@example.com", Username: "Taken"}, []string{"[duplicate]user.username"}},
		{"bad id", "x", authcore.UserInput{Email: "a@example.com"}, []string{"[invalid]userId"}},
		{"unknown tenant", "", authcore.UserInput{Email: "a@example.com", TenantID: "8f2b3c4d-0000-4000-8000-000000000000"}, []string{"[invalid]user.tenantId"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newDomFixture(t)
			taken, err := f.e.CreateUser(f.ctx, "", userReq(authcore.UserInput{Email: "taken@example.com", Username: "taken"}))
			require.NoError(t, err)
			_, err = f.e.CreateUser(f.ctx, tc.id, userReq(tc.in))
			assert.Equal(t, tc.codes, errCodes(t, err))
			_, err = f.e.UserByEmail(f.ctx, "a@example.com")
			assert.ErrorIs(t, err, authcore.ErrNotFound, "nothing stored")
			_, err = f.e.CreateUser(f.ctx, taken.ID, userReq(authcore.UserInput{Email: "other@example.com"}))
			assert.Equal(t, []string{"[duplicate]userId"}, errCodes(t, err))
		})
	}
}

func TestUserTenantIsolation(t *testing.T) {
	f := newDomFixture(t)
	other := f.tenant("other")
	a := f.user(f.def, "a@example.com")
	b := f.user(other, "A@example.com")
	assert.NotEqual(t, a.ID, b.ID, "the same e-mail in two tenants is two users")

	_, err := f.e.UserByEmail(f.ctx, "a@example.com")
	assert.Equal(t, []string{"[TenantIdRequired]"}, errCodes(t, err))
	_, err = f.e.UserByUsername(f.ctx, "a")
	assert.Equal(t, []string{"[TenantIdRequired]"}, errCodes(t, err))
	_, err = f.e.CreateUser(f.ctx, "", userReq(authcore.UserInput{Email: "c@example.com"}))
	assert.Equal(t, []string{"[TenantIdRequired]"}, errCodes(t, err))

	tests := []struct {
		name   string
		tenant string
		locked bool
		want   *authcore.User
		hidden *authcore.User
	}{
		{"key locked to default", f.def, true, a, b},
		{"key locked to other", other, true, b, a},
		{"header default", f.def, false, a, b},
		{"header other", other, false, b, a},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := asHeader(f.ctx, tc.tenant)
			if tc.locked {
				ctx = asKey(f.ctx, tc.tenant)
			}
			got, err := f.e.UserByEmail(ctx, "a@example.com")
			require.NoError(t, err)
			assert.Equal(t, tc.want.ID, got.ID)
			got, err = f.e.User(ctx, tc.want.ID)
			require.NoError(t, err)
			assert.Equal(t, tc.want.ID, got.ID)

			_, err = f.e.User(ctx, tc.hidden.ID)
			assert.ErrorIs(t, err, authcore.ErrNotFound)
			_, err = f.e.UpdateUser(ctx, tc.hidden.ID, userReq(authcore.UserInput{Email: "x@example.com"}))
			assert.ErrorIs(t, err, authcore.ErrNotFound)
			_, err = f.e.PatchUser(ctx, tc.hidden.ID, authcore.PatchRequest{ContentType: "application/json", Body: []byte(`{}`)})
			assert.ErrorIs(t, err, authcore.ErrNotFound)
			assert.ErrorIs(t, f.e.DeleteUser(ctx, tc.hidden.ID), authcore.ErrNotFound)
		})
	}

	got, err := f.e.User(f.ctx, b.ID)
	require.NoError(t, err, "by id, the tenant comes from the user")
	assert.Equal(t, other, got.TenantID)
}

func TestCreateUserConcurrentSameEmail(t *testing.T) {
	f := newDomFixture(t)
	const n = 50
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  = make([]error, n)
		ids   = make([]string, n)
	)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			u, err := f.e.CreateUser(f.ctx, "", userReq(authcore.UserInput{Email: []string{"same@example.com", "SAME@Example.com"}[i%2]}))
			errs[i] = err
			if u != nil {
				ids[i] = u.ID
			}
		}(i)
	}
	close(start)
	wg.Wait()

	created := 0
	for i, err := range errs {
		if err == nil {
			created++
			continue
		}
		var v *validation.Errors
		require.True(t, errors.As(err, &v), "goroutine %d: %v", i, err)
		assert.Equal(t, []string{"[duplicate]user.email"}, v.Codes())
	}
	assert.Equal(t, 1, created)
	u, err := f.e.UserByEmail(f.ctx, "same@example.com")
	require.NoError(t, err)
	assert.Contains(t, ids, u.ID)
}

func TestUpdateUser(t *testing.T) {
	f := newDomFixture(t)
	a := f.app("", "a")
	u, err := f.e.CreateUser(f.ctx, "", userReq(authcore.UserInput{Email: "a@example.com", Username: "a", FirstName: "A", Data: map[string]any{"x": 1.0}}))
	require.NoError(t, err)
	_, err = f.e.Register(f.ctx, u.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: a.ID}})
	require.NoError(t, err)
	off, err := f.e.DeactivateUser(f.ctx, u.ID)
	require.NoError(t, err)
	assert.False(t, off.Active)

	upd, err := f.e.UpdateUser(f.ctx, u.ID, userReq(authcore.UserInput{ID: "8f2b3c4d-0000-4000-8000-000000000000", TenantID: "8f2b3c4d-0000-4000-8000-000000000001", Email: "b@example.com", LastName: "B"}))
	require.NoError(t, err)
	assert.Equal(t, u.ID, upd.ID)
	assert.Equal(t, u.TenantID, upd.TenantID)
	assert.Equal(t, u.InsertInstant, upd.InsertInstant)
	assert.Greater(t, upd.LastUpdateInstant, u.LastUpdateInstant)
	assert.False(t, upd.Active, "active is kept when not sent")
	assert.Equal(t, "b@example.com", upd.Email)
	assert.Empty(t, upd.Username, "PUT replaces")
	assert.Empty(t, upd.UsernameStatus)
	assert.Empty(t, upd.FirstName)
	assert.Nil(t, upd.Data)
	require.Len(t, upd.Registrations, 1, "the response has the registrations")

	_, err = f.e.UserByEmail(f.ctx, "a@example.com")
	assert.ErrorIs(t, err, authcore.ErrNotFound, "the old e-mail is free again")
	_, err = f.e.CreateUser(f.ctx, "", userReq(authcore.UserInput{Email: "a@example.com", Username: "a"}))
	require.NoError(t, err)

	re, err := f.e.ReactivateUser(f.ctx, u.ID)
	require.NoError(t, err)
	assert.True(t, re.Active)
	assert.Equal(t, "b@example.com", re.Email)

	_, err = f.e.UpdateUser(f.ctx, u.ID, userReq(authcore.UserInput{Email: "A@example.com"}))
	assert.Equal(t, []string{"[duplicate]user.email"}, errCodes(t, err))
	_, err = f.e.UpdateUser(f.ctx, u.ID, userReq(authcore.UserInput{Email: "b@example.com", Password: "x"}))
	assert.Equal(t, []string{"[notSupported]user.password"}, errCodes(t, err))
	_, err = f.e.UpdateUser(f.ctx, "8f2b3c4d-0000-4000-8000-000000000000", userReq(authcore.UserInput{Email: "z@example.com"}))
	assert.ErrorIs(t, err, authcore.ErrNotFound)
}

func TestPatchUser(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		langs                   []string
		check                   func(t *testing.T, u *authcore.User)
		codes                   []string
	}{
		{"legacy appends languages", "application/json", `{"user":{"preferredLanguages":["de","en"]}}`, []string{"en", "fr", "de"}, nil, nil},
		{"merge patch replaces languages", "application/merge-patch+json", `{"user":{"preferredLanguages":["de"]}}`, []string{"de"}, nil, nil},
		{"json patch", "application/json-patch+json", `[{"op":"add","path":"/user/preferredLanguages/0","value":"it"}]`, []string{"it", "en", "fr"}, nil, nil},
		{"legacy scalar and map merge", "application/json", `{"user":{"firstName":"Zed","data":{"b":2}}}`, []string{"en", "fr"},
			func(t *testing.T, u *authcore.User) {
				assert.Equal(t, "Zed", u.FirstName)
				assert.Equal(t, "a@example.com", u.Email)
				assert.Equal(t, map[string]any{"a": json.Number("1"), "b": json.Number("2")}, u.Data)
			}, nil},
		{"legacy null removes", "application/json", `{"user":{"username":null}}`, []string{"en", "fr"},
			func(t *testing.T, u *authcore.User) { assert.Empty(t, u.Username) }, nil},
		{"read-only fields", "application/merge-patch+json", `{"user":{"id":"8f2b3c4d-0000-4000-8000-000000000000","insertInstant":1,"verified":false,"lastLoginInstant":9}}`, []string{"en", "fr"},
			func(t *testing.T, u *authcore.User) { assert.True(t, u.Verified) }, nil},
		{"active is read-only", "application/json", `{"user":{"active":false}}`, []string{"en", "fr"},
			func(t *testing.T, u *authcore.User) { assert.True(t, u.Active, "only DeactivateUser deactivates") }, nil},
		{"password", "application/json", `{"user":{"password":"secret"}}`, nil, nil, []string{"[notSupported]user.password"}},
		{"invalid result", "application/merge-patch+json", `{"user":{"email":null,"username":null}}`, nil, nil, []string{"[blank]user.email"}},
		{"bad email", "application/json", `{"user":{"email":"nope"}}`, nil, nil, []string{"[notEmail]user.email"}},
		{"wrong type", "application/json", `{"user":{"preferredLanguages":"de"}}`, nil, nil, []string{"[invalidJSON]user.preferredLanguages"}},
		{"failed test", "application/json-patch+json", `[{"op":"test","path":"/user/email","value":"b@example.com"}]`, nil, nil, []string{"[JSONPatchTestFailed]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newDomFixture(t)
			before, err := f.e.CreateUser(f.ctx, "", userReq(authcore.UserInput{Email: "a@example.com", Username: "a", PreferredLanguages: []string{"en", "fr"}, Data: map[string]any{"a": json.Number("1")}}))
			require.NoError(t, err)
			got, err := f.e.PatchUser(f.ctx, before.ID, authcore.PatchRequest{ContentType: tc.contentType, Body: []byte(tc.body)})
			stored, serr := f.e.User(f.ctx, before.ID)
			require.NoError(t, serr)
			if tc.codes != nil {
				assert.Equal(t, tc.codes, errCodes(t, err))
				assert.Equal(t, before, stored, "nothing stored")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.langs, got.PreferredLanguages)
			assert.Equal(t, before.ID, got.ID)
			assert.Equal(t, before.TenantID, got.TenantID)
			assert.Equal(t, before.InsertInstant, got.InsertInstant)
			assert.Equal(t, before.LastLoginInstant, got.LastLoginInstant)
			if tc.check != nil {
				tc.check(t, got)
			}
			assert.Equal(t, got, stored)
		})
	}
}

func TestDeleteUserLeavesNothing(t *testing.T) {
	f := newDomFixture(t)
	a := f.app("", "a", authcore.ApplicationRole{Name: "user", IsDefault: true})
	b := f.app("", "b")
	u := f.user("", "gone@example.com")
	keep := f.user("", "keep@example.com")
	for _, app := range []string{a.ID, b.ID} {
		_, err := f.e.Register(f.ctx, u.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: app}})
		require.NoError(t, err)
	}
	_, err := f.e.Register(f.ctx, keep.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{ApplicationID: a.ID}})
	require.NoError(t, err)
	const provider = "45bb233c-0901-4236-b5ca-ac46e2e0a5a5"
	require.NoError(t, f.store.CreateIdentityProvider(f.ctx, &authcore.IdentityProviderRecord{ID: provider, Type: "Twitter", Document: []byte(`{}`)}))
	for _, l := range []authcore.IdentityProviderLink{
		{IdentityProviderID: provider, IdentityProviderUserID: "tw-1", UserID: u.ID, TenantID: u.TenantID},
		{IdentityProviderID: provider, IdentityProviderUserID: "tw-2", UserID: keep.ID, TenantID: keep.TenantID},
	} {
		require.NoError(t, f.store.CreateLink(f.ctx, &l))
	}
	for i, owner := range []string{u.ID, u.ID, keep.ID} {
		require.NoError(t, f.store.CreateRefreshToken(f.ctx, &authcore.RefreshToken{
			ID: fmt.Sprintf("00000000-0000-4000-8000-00000000000%d", i), TokenHash: []byte{byte(i)}, UserID: owner, ApplicationID: a.ID, TenantID: f.def,
		}))
	}

	require.NoError(t, f.e.DeleteUser(f.ctx, u.ID))

	_, err = f.e.User(f.ctx, u.ID)
	assert.ErrorIs(t, err, authcore.ErrNotFound)
	_, err = f.e.UserByEmail(f.ctx, "gone@example.com")
	assert.ErrorIs(t, err, authcore.ErrNotFound)
	regs, err := f.store.ListRegistrations(f.ctx, u.ID)
	require.NoError(t, err)
	assert.Empty(t, regs)
	links, err := f.store.ListLinks(f.ctx, u.ID, "")
	require.NoError(t, err)
	assert.Empty(t, links)
	_, err = f.store.GetLink(f.ctx, u.TenantID, provider, "tw-1")
	assert.ErrorIs(t, err, authcore.ErrNotFound)
	tokens, err := f.store.ListRefreshTokens(f.ctx, u.ID)
	require.NoError(t, err)
	assert.Empty(t, tokens)
	for _, id := range []string{"00000000-0000-4000-8000-000000000000", "00000000-0000-4000-8000-000000000001"} {
		_, err = f.store.GetRefreshToken(f.ctx, id)
		assert.ErrorIs(t, err, authcore.ErrNotFound)
	}

	// The other user keeps everything.
	regs, err = f.store.ListRegistrations(f.ctx, keep.ID)
	require.NoError(t, err)
	assert.Len(t, regs, 1)
	links, err = f.store.ListLinks(f.ctx, keep.ID, "")
	require.NoError(t, err)
	assert.Len(t, links, 1)
	tokens, err = f.store.ListRefreshTokens(f.ctx, keep.ID)
	require.NoError(t, err)
	assert.Len(t, tokens, 1)

	assert.ErrorIs(t, f.e.DeleteUser(f.ctx, u.ID), authcore.ErrNotFound)
	// The e-mail is free again.
	_, err = f.e.CreateUser(f.ctx, "", userReq(authcore.UserInput{Email: "gone@example.com"}))
	require.NoError(t, err)
}

func BenchmarkUserByEmail(b *testing.B) {
	f := newDomFixture(b)
	for i := 0; i < 1000; i++ {
		_, err := f.e.CreateUser(f.ctx, "", userReq(authcore.UserInput{Email: fmt.Sprintf("user%d@example.com", i)}))
		require.NoError(b, err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.e.UserByEmail(f.ctx, fmt.Sprintf("user%d@example.com", i%1000)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCreateUser(b *testing.B) {
	f := newDomFixture(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.e.CreateUser(f.ctx, "", userReq(authcore.UserInput{Email: fmt.Sprintf("user%d@example.com", i), FirstName: "Bench"})); err != nil {
			b.Fatal(err)
		}
	}
}

// New objects get version 7 UUIDs by default: valid UUIDs whose order is
// their creation order, which is what keeps SQL primary-key inserts at the
// end of the index.
func TestDefaultIDsAreTimeOrdered(t *testing.T) {
	f := newDomFixture(t)
	var ids []string
	for i := range 20 {
		u, err := f.e.CreateUser(f.ctx, "", userReq(authcore.UserInput{Email: fmt.Sprintf("ordered%d@example.com", i)}))
		require.NoError(t, err)
		parsed, err := uuid.Parse(u.ID)
		require.NoError(t, err)
		require.Equal(t, uuid.Version(7), parsed.Version(), u.ID)
		require.Equal(t, uuid.RFC4122, parsed.Variant())
		ids = append(ids, u.ID)
	}
	require.True(t, slices.IsSorted(ids), "ids sort in creation order: %v", ids)
}
