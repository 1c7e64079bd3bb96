package authcore_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/integration"
)

// wrapperRemovals are the three PATCH forms of a body that takes the
// request document's wrapper away (SPEC §2: the result is validated as a
// PUT body, and a PUT without the wrapper is [missing]<wrapper>).
func wrapperRemovals(wrapper string) map[string]authcore.PatchRequest {
	return map[string]authcore.PatchRequest{
		"legacy null":      {ContentType: "application/json", Body: []byte(`{"` + wrapper + `":null}`)},
		"merge-patch null": {ContentType: "application/merge-patch+json", Body: []byte(`{"` + wrapper + `":null}`)},
		"json-patch remove": {ContentType: "application/json-patch+json",
			Body: []byte(`[{"op":"remove","path":"/` + wrapper + `"}]`)},
	}
}

// A PATCH that removes "integrations" is refused as the PUT without it is:
// it reset both integrations to their defaults and answered 200.
func TestPatchIntegrationsWithoutWrapper(t *testing.T) {
	for name, req := range wrapperRemovals("integrations") {
		t.Run(name, func(t *testing.T) {
			f := newDomFixture(t)
			stored, err := f.e.UpdateIntegrations(f.ctx, integration.Integrations{Kafka: integration.Kafka{Enabled: true, DefaultTopic: "events"}})
			require.NoError(t, err)

			_, err = f.e.PatchIntegrations(f.ctx, req)
			assert.Equal(t, []string{"[missing]integrations"}, errCodes(t, err))

			got, err := f.e.Integrations(f.ctx)
			require.NoError(t, err)
			assert.Equal(t, stored, got, "nothing stored")
		})
	}
}

// A PATCH that removes "registration" is refused as the PUT without it is:
// it emptied the registration (roles, data, username) and answered 200.
func TestPatchRegistrationWithoutWrapper(t *testing.T) {
	for name, req := range wrapperRemovals("registration") {
		t.Run(name, func(t *testing.T) {
			f := newDomFixture(t)
			a := f.app("", "a", authcore.ApplicationRole{Name: "admin"})
			u := f.user("", "a@example.com")
			in := regReq(a.ID, "admin")
			in.Registration.Data = map[string]any{"plan": "gold"}
			before, err := f.e.Register(f.ctx, u.ID, in)
			require.NoError(t, err)

			_, err = f.e.PatchRegistration(f.ctx, u.ID, a.ID, req)
			assert.Equal(t, []string{"[missing]registration"}, errCodes(t, err))

			after, err := f.e.Registration(f.ctx, u.ID, a.ID)
			require.NoError(t, err)
			assert.Equal(t, []string{"admin"}, after.Roles, "roles kept")
			assert.Equal(t, "gold", after.Data["plan"], "data kept")
			assert.Equal(t, before.LastUpdateInstant, after.LastUpdateInstant, "nothing stored")
		})
	}
}
