package authcore_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
)

// A value FusionAuth's domain types as a Java class (user.imageUrl a URI,
// birthDate a LocalDate, timezone a ZoneId, preferredLanguages Locales)
// that cannot be one is [invalidJSON]<path> on create, PUT and every
// PATCH form, and nothing is stored.
var badUserValues = []struct {
	name, field string
	value       any
	apply       func(*authcore.UserInput)
}{
	{"image URL with a space", "imageUrl", "https://example.com/a b.png", func(u *authcore.UserInput) { u.ImageURL = "https://example.com/a b.png" }},
	{"image URL that is words", "imageUrl", "my picture", func(u *authcore.UserInput) { u.ImageURL = "my picture" }},
	{"image URL with a bad escape", "imageUrl", "https://example.com/%zz.png", func(u *authcore.UserInput) { u.ImageURL = "https://example.com/%zz.png" }},
	{"image URL without an authority", "imageUrl", "https://", func(u *authcore.UserInput) { u.ImageURL = "https://" }},
	{"birth date that does not exist", "birthDate", "1981-02-29", func(u *authcore.UserInput) { u.BirthDate = "1981-02-29" }},
	{"timezone of the host's zoneinfo only", "timezone", "posix/America/Denver", func(u *authcore.UserInput) { u.Timezone = "posix/America/Denver" }},
	{"timezone offset out of range", "timezone", "UTC+25", func(u *authcore.UserInput) { u.Timezone = "UTC+25" }},
	{"language that is no locale", "preferredLanguages", []string{"en", "english"}, func(u *authcore.UserInput) { u.PreferredLanguages = []string{"en", "english"} }},
	{"language in the wrong case", "preferredLanguages", []string{"en_us"}, func(u *authcore.UserInput) { u.PreferredLanguages = []string{"en_us"} }},
}

func TestUserTypedFieldsRefused(t *testing.T) {
	for _, tc := range badUserValues {
		t.Run(tc.name, func(t *testing.T) {
			code := "[invalidJSON]user." + tc.field
			f := newDomFixture(t)
			in := authcore.UserInput{Email: "new@example.com"}
			tc.apply(&in)
			_, err := f.e.CreateUser(f.ctx, "", userReq(in))
			assert.Equal(t, []string{code}, errCodes(t, err), "POST")
			_, err = f.e.UserByEmail(f.ctx, "new@example.com")
			assert.ErrorIs(t, err, authcore.ErrNotFound, "nothing stored")

			_, err = f.e.RegisterUser(f.ctx, "", authcore.RegistrationRequest{User: &in, Registration: authcore.UserRegistration{ApplicationID: f.app("", "a").ID}})
			assert.Equal(t, []string{code}, errCodes(t, err), "combined create")
			_, err = f.e.UserByEmail(f.ctx, "new@example.com")
			assert.ErrorIs(t, err, authcore.ErrNotFound, "nothing stored")

			before, err := f.e.CreateUser(f.ctx, "", userReq(authcore.UserInput{Email: "a@example.com", ImageURL: "https://example.com/a.png",
				BirthDate: "1976-05-30", Timezone: "America/Denver", PreferredLanguages: []string{"fr"}}))
			require.NoError(t, err)
			put := authcore.UserInput{Email: "a@example.com"}
			tc.apply(&put)
			_, err = f.e.UpdateUser(f.ctx, before.ID, userReq(put))
			assert.Equal(t, []string{code}, errCodes(t, err), "PUT")

			value, err := json.Marshal(tc.value)
			require.NoError(t, err)
			merge := fmt.Sprintf(`{"user":{%q:%s}}`, tc.field, value)
			for _, p := range []authcore.PatchRequest{
				{ContentType: "application/json", Body: []byte(merge)},
				{ContentType: "application/merge-patch+json", Body: []byte(merge)},
				{ContentType: "application/json-patch+json", Body: fmt.Appendf(nil, `[{"op":"add","path":"/user/%s","value":%s}]`, tc.field, value)},
			} {
				_, err = f.e.PatchUser(f.ctx, before.ID, p)
				assert.Equal(t, []string{code}, errCodes(t, err), "PATCH %s", p.ContentType)
			}
			stored, err := f.e.User(f.ctx, before.ID)
			require.NoError(t, err)
			assert.Equal(t, before, stored, "nothing stored")
		})
	}
}

// What java.net.URI, java.time.ZoneId and LocaleUtils accept is accepted
// and kept as sent: a relative reference is a URI, UTC-7 and +02:00 are
// time zones (FusionAuth's documentation lists UTC-7 and UTC+2).
func TestUserTypedFieldsAccepted(t *testing.T) {
	f := newDomFixture(t)
	u, err := f.e.CreateUser(f.ctx, "", userReq(authcore.UserInput{Email: "a@example.com", ImageURL: "/avatars/a.png",
		BirthDate: "1980-02-29", Timezone: "UTC-7", PreferredLanguages: []string{"es_419", "en-US", "fr__POSIX", "haw"}}))
	require.NoError(t, err)
	assert.Equal(t, "/avatars/a.png", u.ImageURL)
	assert.Equal(t, "UTC-7", u.Timezone)
	assert.Equal(t, []string{"es_419", "en-US", "fr__POSIX", "haw"}, u.PreferredLanguages)

	for _, tz := range []string{"UTC+2", "+02:00", "Z", "GMT-03:30", "US/Mountain", "Asia/Tel_Aviv", "Etc/GMT+7"} {
		got, err := f.e.UpdateUser(f.ctx, u.ID, userReq(authcore.UserInput{Email: "a@example.com", Timezone: tz}))
		require.NoError(t, err, tz)
		assert.Equal(t, tz, got.Timezone)
	}
	for _, img := range []string{"avatar.png", "//cdn.example.com/a.png", "https://example.com/caf%C3%A9.png", "https://example.com/café.png", "http://[::1]:8080/a.png"} {
		got, err := f.e.PatchUser(f.ctx, u.ID, authcore.PatchRequest{ContentType: "application/merge-patch+json", Body: fmt.Appendf(nil, `{"user":{"imageUrl":%q}}`, img)})
		require.NoError(t, err, img)
		assert.Equal(t, img, got.ImageURL)
	}
}

// The same rules on a registration: timezone a ZoneId, preferredLanguages
// Locales, and at most 20 of them (FusionAuth: "The maximum number of
// allowed preferred languages is 20", for registrations as for users).
func TestRegistrationTypedFields(t *testing.T) {
	many := make([]string, 21)
	for i := range many {
		many[i] = fmt.Sprintf("%c%c", 'a'+i/26, 'a'+i%26)
	}
	tests := []struct {
		name, field string
		value       any
		code        string
		apply       func(*authcore.UserRegistration)
	}{
		{"timezone", "timezone", "posix/America/Denver", "[invalidJSON]registration.timezone", func(r *authcore.UserRegistration) { r.Timezone = "posix/America/Denver" }},
		{"language", "preferredLanguages", []string{"english"}, "[invalidJSON]registration.preferredLanguages",
			func(r *authcore.UserRegistration) { r.PreferredLanguages = []string{"english"} }},
		{"21 languages", "preferredLanguages", many, "[tooMany]registration.preferredLanguages",
			func(r *authcore.UserRegistration) { r.PreferredLanguages = many }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newDomFixture(t)
			a := f.app("", "a", authcore.ApplicationRole{Name: "user", IsDefault: true})
			u := f.user("", "a@example.com")
			reg := authcore.UserRegistration{ApplicationID: a.ID}
			tc.apply(&reg)
			_, err := f.e.Register(f.ctx, u.ID, authcore.RegistrationRequest{Registration: reg})
			assert.Equal(t, []string{tc.code}, errCodes(t, err), "POST")
			_, err = f.e.RegisterUser(f.ctx, "", authcore.RegistrationRequest{User: &authcore.UserInput{Email: "new@example.com"}, Registration: reg})
			assert.Equal(t, []string{tc.code}, errCodes(t, err), "combined create")
			_, err = f.e.UserByEmail(f.ctx, "new@example.com")
			assert.ErrorIs(t, err, authcore.ErrNotFound, "nothing stored")
			regs, err := f.store.ListRegistrations(f.ctx, u.ID)
			require.NoError(t, err)
			assert.Empty(t, regs, "nothing stored")

			before, err := f.e.Register(f.ctx, u.ID, authcore.RegistrationRequest{Registration: authcore.UserRegistration{
				ApplicationID: a.ID, Timezone: "UTC-7", PreferredLanguages: []string{"en_US"}}})
			require.NoError(t, err, "UTC-7 and en_US are a time zone and a locale")
			_, err = f.e.UpdateRegistration(f.ctx, u.ID, a.ID, authcore.RegistrationRequest{Registration: reg})
			assert.Equal(t, []string{tc.code}, errCodes(t, err), "PUT")
			value, err := json.Marshal(tc.value)
			require.NoError(t, err)
			merge := fmt.Sprintf(`{"registration":{%q:%s}}`, tc.field, value)
			for _, p := range []authcore.PatchRequest{
				{ContentType: "application/json", Body: []byte(merge)},
				{ContentType: "application/merge-patch+json", Body: []byte(merge)},
				{ContentType: "application/json-patch+json", Body: fmt.Appendf(nil, `[{"op":"add","path":"/registration/%s","value":%s}]`, tc.field, value)},
			} {
				_, err = f.e.PatchRegistration(f.ctx, u.ID, a.ID, p)
				assert.Equal(t, []string{tc.code}, errCodes(t, err), "PATCH %s", p.ContentType)
			}
			stored, err := f.e.Registration(f.ctx, u.ID, a.ID)
			require.NoError(t, err)
			assert.Equal(t, before, stored, "nothing stored")
		})
	}
}

// Deactivating and reactivating change active only: a user stored before a
// check existed, with a value it now refuses, can still be switched,
// while a PUT of it is checked.
func TestDeactivateUserStoredBeforeACheck(t *testing.T) {
	f := newDomFixture(t)
	u := f.user("", "a@example.com")
	legacy := *u
	legacy.Registrations = nil
	legacy.ImageURL, legacy.PreferredLanguages, legacy.Timezone = "my picture", []string{"x-00"}, "posix/America/Denver"
	require.NoError(t, f.store.UpdateUser(f.ctx, &legacy))

	off, err := f.e.DeactivateUser(f.ctx, u.ID)
	require.NoError(t, err)
	assert.False(t, off.Active)
	assert.Equal(t, "my picture", off.ImageURL, "kept")
	on, err := f.e.ReactivateUser(f.ctx, u.ID)
	require.NoError(t, err)
	assert.True(t, on.Active)

	_, err = f.e.UpdateUser(f.ctx, u.ID, userReq(authcore.UserInput{Email: on.Email, ImageURL: on.ImageURL,
		PreferredLanguages: on.PreferredLanguages, Timezone: on.Timezone}))
	assert.Equal(t, []string{"[invalidJSON]user.imageUrl", "[invalidJSON]user.preferredLanguages", "[invalidJSON]user.timezone"}, errCodes(t, err))
}
