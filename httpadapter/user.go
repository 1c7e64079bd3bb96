package httpadapter

import (
	"net/http"
	"strings"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/patch"
	"github.com/authcore/authcore/validation"
)

// userRoutes serves FusionAuth's User and Registration APIs (the subset
// authcore needs). Where FusionAuth's documentation leaves room, authcore
// decides:
//   - Passwords are not supported: authcore has no password login, so a
//     user.password on create, update or patch is 400
//     [notSupported]user.password.
//   - DELETE /api/user/{id} deactivates, ?hardDelete=true (or a body
//     {"hardDelete": true}, the clients' deleteUserWithRequest) deletes for
//     good with the user's registrations, links and refresh tokens (the
//     clients' deactivateUser and deleteUser); PUT ?reactivate=true
//     reactivates.
//   - GET /api/user needs ?email=, ?username= or ?loginId= (e-mail, then
//     username), and a tenant when there are several ([TenantIdRequired]);
//     by id the tenant is the user's. Neither: [missing]userId.
//   - A user is verified on create unless the tenant requires e-mail
//     verification and skipVerification is false; a user without an e-mail
//     is verified (nothing to verify). Read-only on input: id, tenantId,
//     active, verified, the instants, registrations.
//   - Registration create answers {registration, user}; with "user" in the
//     body it is FusionAuth's combined create, and the user's tenant may come
//     from the application. No roles: the application's default roles. An
//     applicationId on the URI wins over the body's.
func (h *Handler) userRoutes() {
	h.handle("POST /api/user", false, h.createUser)
	h.handle("POST /api/user/{userId}", false, h.createUser)
	h.handle("GET /api/user", false, h.getUserByQuery)
	h.handle("GET /api/user/{userId}", false, h.getUser)
	users := lifecycle[authcore.User, authcore.UserRequest]{
		h: h, param: "userId",
		update: h.engine.UpdateUser, patch: h.engine.PatchUser,
		reactivate: h.engine.ReactivateUser, deactivate: h.engine.DeactivateUser,
		remove:     h.engine.DeleteUser,
		wrap:       func(u *authcore.User) any { return authcore.UserResponse{User: u} },
		deleteBody: true,
	}
	h.handle("PUT /api/user/{userId}", false, users.put)
	h.handle("PATCH /api/user/{userId}", false, users.patchEndpoint)
	h.handle("DELETE /api/user/{userId}", false, users.delete)

	h.handle("POST /api/user/registration", false, h.register)
	h.handle("POST /api/user/registration/{userId}", false, h.register)
	h.handle("POST /api/user/registration/{userId}/{applicationId}", false, h.register)
	h.handle("GET /api/user/registration/{userId}/{applicationId}", false, h.getRegistration)
	h.handle("PUT /api/user/registration/{userId}", false, h.putRegistration)
	h.handle("PUT /api/user/registration/{userId}/{applicationId}", false, h.putRegistration)
	h.handle("PATCH /api/user/registration/{userId}", false, h.patchRegistration)
	h.handle("PATCH /api/user/registration/{userId}/{applicationId}", false, h.patchRegistration)
	h.handle("DELETE /api/user/registration/{userId}/{applicationId}", false, h.deleteRegistration)
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request) error {
	id, err := uuidParam(r, "userId", "userId")
	if err != nil {
		return err
	}
	var in authcore.UserRequest
	if err := h.decode(w, r, &in); err != nil {
		return err
	}
	u, err := h.engine.CreateUser(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.UserResponse{User: u})
	return nil
}

func (h *Handler) getUser(w http.ResponseWriter, r *http.Request) error {
	id, err := uuidParam(r, "userId", "userId")
	if err != nil {
		return err
	}
	u, err := h.engine.User(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.UserResponse{User: u})
	return nil
}

// getUserByQuery serves retrieveUserByEmail (?email=), retrieveUserByUsername
// (?username=) and retrieveUserByLoginId (?loginId=, e-mail then username).
func (h *Handler) getUserByQuery(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var (
		u   *authcore.User
		err error
	)
	switch {
	case q.Get("email") != "":
		u, err = h.engine.UserByEmail(r.Context(), q.Get("email"))
	case q.Get("username") != "":
		u, err = h.engine.UserByUsername(r.Context(), q.Get("username"))
	case q.Get("loginId") != "":
		u, err = h.engine.UserByLoginID(r.Context(), q.Get("loginId"), loginIDTypes(q["loginIdTypes"])...)
	case q.Get("verificationId") != "" || q.Get("changePasswordId") != "":
		// Ids of the e-mail verification and change-password flows, which
		// authcore lacks: no user holds one, so the lookup finds nobody
		// (FusionAuth's 404), where the default case would tell the caller
		// it named no user.
		return authcore.ErrNotFound
	default:
		var e validation.Errors
		e.Field("userId", validation.KindMissing, "You must specify the user by Id on the URI, or by the email, username or loginId parameter.")
		return &e
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.UserResponse{User: u})
	return nil
}

// loginIDTypes drops the loginIdTypes values that say "none":
// retrieveUserByLoginIdWithLoginIdTypes(loginId, undefined) sends
// ?loginIdTypes=undefined (the client's withParameter keeps an omitted
// argument), null sends "null", and an empty value is absent (SPEC §0). With
// none left the lookup tries every type, as without the parameter, where
// each of these answered [invalid]loginIdTypes.
func loginIDTypes(values []string) []string {
	var types []string
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" || v == "null" || v == "undefined" {
			continue
		}
		types = append(types, v)
	}
	return types
}

// registrationParams reads {userId} and the optional {applicationId}.
func registrationParams(r *http.Request) (userID, appID string, err error) {
	if userID, err = uuidParam(r, "userId", "userId"); err != nil {
		return "", "", err
	}
	appID, err = uuidParam(r, "applicationId", "applicationId")
	return userID, appID, err
}

// register creates a registration for an existing user, or with "user" in
// the body the user and the registration together. An applicationId on the
// URI wins over the body's (FusionAuth 1.25+).
func (h *Handler) register(w http.ResponseWriter, r *http.Request) error {
	userID, appID, err := registrationParams(r)
	if err != nil {
		return err
	}
	var in authcore.RegistrationRequest
	if err := h.decode(w, r, &in); err != nil {
		return err
	}
	if appID != "" {
		in.Registration.ApplicationID = appID
	}
	out, err := h.engine.RegisterUser(r.Context(), userID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) getRegistration(w http.ResponseWriter, r *http.Request) error {
	userID, appID, err := registrationParams(r)
	if err != nil {
		return err
	}
	reg, err := h.engine.Registration(r.Context(), userID, appID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.RegistrationResponse{Registration: reg})
	return nil
}

func (h *Handler) putRegistration(w http.ResponseWriter, r *http.Request) error {
	userID, appID, err := registrationParams(r)
	if err != nil {
		return err
	}
	b, err := h.readBody(w, r)
	if err != nil {
		return err
	}
	var in authcore.RegistrationRequest
	if err := authcore.DecodeJSON(b, &in); err != nil {
		return err
	}
	// PUT replaces the registration: a body without one (absent, null, a
	// wrapper spelt otherwise) would store an empty registration and drop
	// its roles and data. The Go request cannot tell that from an empty
	// one, so the wire's absence is read here.
	var wrapper struct {
		Registration *struct{} `json:"registration"`
	}
	if err := authcore.DecodeJSON(b, &wrapper); err != nil {
		return err
	}
	if wrapper.Registration == nil {
		var e validation.Errors
		e.Field("registration", validation.KindMissing, "You must specify the [registration] property.")
		return &e
	}
	reg, err := h.engine.UpdateRegistration(r.Context(), userID, appID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.RegistrationResponse{Registration: reg})
	return nil
}

// patchRegistration names the registration by the URI's applicationId, else
// by registration.applicationId in a merge-form body (the client's
// patchRegistration sends it there).
func (h *Handler) patchRegistration(w http.ResponseWriter, r *http.Request) error {
	userID, appID, err := registrationParams(r)
	if err != nil {
		return err
	}
	req, err := h.patchRequest(w, r)
	if err != nil {
		return err
	}
	if appID == "" {
		var target struct {
			Registration struct {
				ApplicationID string `json:"applicationId"`
			} `json:"registration"`
		}
		// A JSON Patch (an array) or a body without it leaves appID blank;
		// the engine then answers [blank]registration.applicationId. A
		// merge body is read as the engine would read it, so that a
		// malformed one is [invalidJSON], not a missing id.
		if mt := patch.MediaType(req.ContentType); mt == patch.ContentTypeLegacy || mt == patch.ContentTypeMergePatch {
			if err := authcore.DecodeJSON(req.Body, &target); err != nil {
				return err
			}
		}
		appID = target.Registration.ApplicationID
	}
	reg, err := h.engine.PatchRegistration(r.Context(), userID, appID, req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authcore.RegistrationResponse{Registration: reg})
	return nil
}

// deleteRegistration reads the optional body that the clients'
// deleteRegistrationWithRequest sends (RegistrationDeleteRequest, only
// eventInfo), which the user.registration.delete event takes.
func (h *Handler) deleteRegistration(w http.ResponseWriter, r *http.Request) error {
	userID, appID, err := registrationParams(r)
	if err != nil {
		return err
	}
	var body struct {
		EventInfo *authcore.EventInfo `json:"eventInfo"`
	}
	if err := h.optionalBody(w, r, &body); err != nil {
		return err
	}
	ctx := authcore.WithRequestEventInfo(r.Context(), body.EventInfo)
	if err := h.engine.DeleteRegistration(ctx, userID, appID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
