package authcore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/authcore/authcore/internal/excerpt"
	"github.com/authcore/authcore/patch"
	"github.com/authcore/authcore/validation"
)

// ApplicationInput is application as a request carries it. It differs from
// Application only in Active, which is a pointer so that "not sent" (true on
// create, unchanged on update) differs from false.
type ApplicationInput struct {
	ID                 string                   `json:"id,omitempty"`
	TenantID           string                   `json:"tenantId,omitempty"`
	Name               string                   `json:"name,omitempty"`
	Active             *bool                    `json:"active,omitempty"`
	Roles              []ApplicationRole        `json:"roles,omitempty"`
	LoginConfiguration LoginConfiguration       `json:"loginConfiguration"`
	VerifyRegistration bool                     `json:"verifyRegistration"`
	JWTConfiguration   *ApplicationJWTOverrides `json:"jwtConfiguration,omitempty"`
	Data               map[string]any           `json:"data,omitempty"`
	InsertInstant      int64                    `json:"insertInstant,omitempty"`
	LastUpdateInstant  int64                    `json:"lastUpdateInstant,omitempty"`
}

// ApplicationRequest is the body of the application create and update
// requests: {"application": {...}}.
type ApplicationRequest struct {
	// SourceApplicationID, on a create only, names an application to copy:
	// the new one takes Application.Name and everything else from it.
	SourceApplicationID string           `json:"sourceApplicationId,omitempty"`
	Application         ApplicationInput `json:"application"`
}

// ApplicationResponse is the response of create, retrieve by id, update and
// patch.
type ApplicationResponse struct {
	Application *Application `json:"application,omitempty"`
}

// Application states, FusionAuth's ObjectState as application.state shows it.
const (
	ApplicationStateActive   = "Active"
	ApplicationStateInactive = "Inactive"
)

// applicationJSON is Application without its methods, for MarshalJSON.
type applicationJSON Application

// MarshalJSON adds state ("Active" or "Inactive"), which FusionAuth's
// responses carry beside the deprecated active (since 1.22; the clients'
// Application.state): a client that reads state found none. It is output
// only, as in FusionAuth's request body, which has neither; the request
// types read active.
func (a Application) MarshalJSON() ([]byte, error) {
	state := ApplicationStateInactive
	if a.Active {
		state = ApplicationStateActive
	}
	return json.Marshal(struct {
		applicationJSON
		State string `json:"state"`
	}{applicationJSON(a), state})
}

// renderedFields is what MarshalJSON renders besides state (fieldsRenderer).
func (a Application) renderedFields() any { return applicationJSON(a) }

// ApplicationsResponse is the response of retrieve all.
type ApplicationsResponse struct {
	Applications []Application `json:"applications"`
}

// DefaultRoles returns the names of the application's default roles
// (isDefault), sorted as a registration keeps its roles
// (registrationRoles): what a registration gets when it names no roles.
func DefaultRoles(app *Application) []string {
	if app == nil {
		return nil
	}
	var out []string
	for _, r := range app.Roles {
		if r.IsDefault {
			out = append(out, r.Name)
		}
	}
	// Names are unique and trimmed already: sorting is all registrationRoles
	// would do, without its map on a first login's path.
	slices.Sort(out)
	return out
}

// CreateApplication creates an application in the request's tenant (the
// scope, else application.tenantId, else the only tenant, else
// [TenantIdRequired]; see the package doc's Tenants). id is the id asked for ("" to generate one). Role ids
// are generated; active defaults to true. With req.SourceApplicationID it
// copies that application (copyApplicationInput): a source the request may
// not see, or none, is [invalid]sourceApplicationId.
func (e *Engine) CreateApplication(ctx context.Context, id string, req ApplicationRequest) (*Application, error) {
	id, err := newObjectID(e, id, "applicationId")
	if err != nil {
		return nil, err
	}
	source := strings.ToLower(strings.TrimSpace(req.SourceApplicationID))
	if source != "" && !isUUID(source) {
		return nil, invalid("sourceApplicationId", validation.KindInvalid, "The [sourceApplicationId] property must be a UUID.")
	}
	var out Application
	// The id is chosen once, outside: a run lost to a conflict wrote
	// nothing, so the next run may take it again.
	err = e.inTx(ctx, func(ctx context.Context, tx Store) error {
		in := req.Application
		// The signing key the new application may keep without choosing
		// one (validateApplicationKey): a copy's is its source's, which
		// already signs tokens of the tenant the copy goes to.
		keep := ""
		if source != "" {
			src, err := loadApplication(ctx, tx, source)
			if errors.Is(err, ErrNotFound) {
				return invalid("sourceApplicationId", validation.KindInvalid, fmt.Sprintf("The [sourceApplicationId] property does not name an application: [%s].", excerpt.Of(source)))
			}
			if err != nil {
				return err
			}
			in = copyApplicationInput(src, in.Name)
			if src.JWTConfiguration != nil {
				keep = src.JWTConfiguration.AccessTokenKeyID
			}
		}
		tenantID, err := e.tenantForCreate(ctx, tx, in.TenantID, "application.tenantId")
		if err != nil {
			return err
		}
		now := e.instant()
		out = e.buildApplication(in, nil, now)
		out.ID, out.TenantID = id, tenantID
		out.InsertInstant, out.LastUpdateInstant = now, now
		out.Active = in.Active == nil || *in.Active
		if err := validateApplication(&out); err != nil {
			return err
		}
		if err := validateApplicationKey(ctx, tx, &out, keep); err != nil {
			return err
		}
		return applicationStoreError(tx.CreateApplication(ctx, &out))
	})
	if err != nil {
		return nil, err
	}
	e.log.InfoContext(ctx, "application created", "applicationId", out.ID, "tenantId", out.TenantID)
	return &out, nil
}

// copyApplicationInput is the create request of a copy of src named name,
// as FusionAuth copies an application: in src's tenant, with its settings,
// state and data, and its roles under new ids (buildApplication gives them).
func copyApplicationInput(src *Application, name string) ApplicationInput {
	active := src.Active
	in := ApplicationInput{
		TenantID: src.TenantID, Name: name, Active: &active,
		LoginConfiguration: src.LoginConfiguration, VerifyRegistration: src.VerifyRegistration,
		Data: src.Data,
	}
	if src.JWTConfiguration != nil {
		j := *src.JWTConfiguration
		in.JWTConfiguration = &j
	}
	for _, r := range src.Roles {
		in.Roles = append(in.Roles, ApplicationRole{Name: r.Name, Description: r.Description, IsDefault: r.IsDefault, IsSuperRole: r.IsSuperRole})
	}
	return in
}

// Application returns the application with this id, if it is in the
// request's tenant scope (else ErrNotFound).
func (e *Engine) Application(ctx context.Context, id string) (*Application, error) {
	return loadApplication(ctx, e.store, id)
}

func loadApplication(ctx context.Context, s Store, id string) (*Application, error) {
	a, err := s.GetApplication(ctx, strings.ToLower(id))
	if err != nil {
		return nil, err
	}
	if !inScope(ctx, a.TenantID) {
		return nil, fmt.Errorf("authcore: application %q is outside the request's tenant: %w", id, ErrNotFound)
	}
	return a, nil
}

// Applications lists the active applications the request may see, oldest
// first (FusionAuth's GET /api/application).
func (e *Engine) Applications(ctx context.Context) ([]Application, error) {
	return e.listApplications(ctx, true)
}

// InactiveApplications lists the inactive (deactivated) applications the
// request may see, oldest first (GET /api/application?inactive=true).
func (e *Engine) InactiveApplications(ctx context.Context) ([]Application, error) {
	return e.listApplications(ctx, false)
}

func (e *Engine) listApplications(ctx context.Context, active bool) ([]Application, error) {
	list, err := e.store.ListApplications(ctx, scopedTenant(ctx))
	if err != nil {
		return nil, err
	}
	out := make([]Application, 0, len(list))
	for _, a := range list {
		if a.Active == active {
			out = append(out, *a)
		}
	}
	return out, nil
}

// UpdateApplication replaces the application (PUT): a field left out takes
// its default, except active, which keeps its value when not sent. id,
// tenantId and insertInstant keep their stored values. A role keeps its id
// when it names it, or when it has the name of a stored role.
func (e *Engine) UpdateApplication(ctx context.Context, id string, req ApplicationRequest) (*Application, error) {
	return e.changeApplication(ctx, id, func(*Application) (ApplicationInput, error) { return req.Application, nil })
}

// PatchApplication applies a PATCH in any of the three forms (see PatchRequest) to
// {"application": …}: in the legacy form (application/json) roles sent are
// appended to the stored ones, in RFC 7396 they replace them.
func (e *Engine) PatchApplication(ctx context.Context, id string, req PatchRequest) (*Application, error) {
	return e.changeApplication(ctx, id, func(cur *Application) (ApplicationInput, error) {
		patched, err := applyPatch(req, ApplicationResponse{Application: cur}, nil)
		if err != nil {
			return ApplicationInput{}, err
		}
		var in ApplicationRequest
		if err := DecodeJSON(patched, &in); err != nil {
			return ApplicationInput{}, err
		}
		if patch.MediaType(req.ContentType) == patch.ContentTypeLegacy {
			in.Application.Roles = uniqueRoles(in.Application.Roles)
		}
		return in.Application, nil
	})
}

// uniqueRoles keeps the first of roles that carry the same id and are the
// same in every property a request sets (the instants are read-only). A
// legacy PATCH appends arrays, so a client that sends back the application
// it retrieved (the clients' patchApplication) sends each stored role again,
// which validateApplication refused as [duplicate]application.roles; a copy
// says nothing new, as for a user's two-factor methods (uniqueMethods).
// Roles without an id, or two different roles under one id, are left for
// validateApplication to refuse.
func uniqueRoles(in []ApplicationRole) []ApplicationRole {
	type key struct {
		id, name, description  string
		isDefault, isSuperRole bool
	}
	return keepFirst(in, func(r ApplicationRole) (key, bool) {
		id := strings.ToLower(strings.TrimSpace(r.ID))
		return key{id, strings.TrimSpace(r.Name), r.Description, r.IsDefault, r.IsSuperRole}, id != ""
	})
}

// DeactivateApplication sets active to false (FusionAuth's DELETE without
// hardDelete): nobody can log into it, its data stays.
func (e *Engine) DeactivateApplication(ctx context.Context, id string) (*Application, error) {
	return e.setApplicationActive(ctx, id, false)
}

// ReactivateApplication sets active back to true.
func (e *Engine) ReactivateApplication(ctx context.Context, id string) (*Application, error) {
	return e.setApplicationActive(ctx, id, true)
}

func (e *Engine) setApplicationActive(ctx context.Context, id string, active bool) (*Application, error) {
	return e.changeApplication(ctx, id, func(cur *Application) (ApplicationInput, error) {
		in := applicationInput(cur)
		in.Active = &active
		return in, nil
	})
}

// changeApplication is the read-modify-write of PUT and PATCH in one
// transaction, run again from the read after a conflict: on PostgreSQL it
// locks the application, then the signing key it names and the
// registrations whose roles follow, and a key delete locks the key and then
// every application, the other order (either is the deadlock's victim).
func (e *Engine) changeApplication(ctx context.Context, id string, build func(cur *Application) (ApplicationInput, error)) (*Application, error) {
	var out Application
	err := e.inTx(ctx, func(ctx context.Context, tx Store) error {
		cur, err := loadApplication(ctx, tx, id)
		if err != nil {
			return err
		}
		in, err := build(cur)
		if err != nil {
			return err
		}
		now := e.instant()
		next := e.buildApplication(in, cur.Roles, now)
		next.ID, next.TenantID = cur.ID, cur.TenantID
		next.InsertInstant, next.LastUpdateInstant = cur.InsertInstant, now
		next.Active = cur.Active
		if in.Active != nil {
			next.Active = *in.Active
		}
		if err := validateApplication(&next); err != nil {
			return err
		}
		var prevKey string
		if cur.JWTConfiguration != nil {
			prevKey = cur.JWTConfiguration.AccessTokenKeyID
		}
		if err := validateApplicationKey(ctx, tx, &next, prevKey); err != nil {
			return err
		}
		// The key that signed its tokens (enabled), not the one named.
		if err := keepFormerApplication(ctx, tx, applicationKeyID(cur), applicationKeyID(&next), cur); err != nil {
			return err
		}
		out = next
		if err := applicationStoreError(tx.UpdateApplication(ctx, &next)); err != nil {
			return err
		}
		return e.followRoleChanges(ctx, tx, cur, &next)
	})
	if err != nil {
		return nil, err
	}
	e.log.InfoContext(ctx, "application updated", "applicationId", out.ID, "active", out.Active)
	return &out, nil
}

// followRoleChanges brings the registrations of the application in line
// with an update of its roles, in the update's transaction: a role that
// kept its id under a new name is renamed on them, and a role the update
// removed is taken off them, as FusionAuth does when a role is deleted.
// Otherwise tokens would still carry the old name, and every later change
// of those registrations would be refused for naming a role the
// application does not have.
func (e *Engine) followRoleChanges(ctx context.Context, tx Store, cur, next *Application) error {
	byID := make(map[string]string, len(next.Roles))
	kept := make(map[string]bool, len(next.Roles))
	for _, r := range next.Roles {
		byID[r.ID], kept[r.Name] = r.Name, true
	}
	// to maps each stored role's name to what its id is called after the
	// update ("" when removed): by id, not by name, since one update may
	// swap two names or give a removed role's name to another.
	to := make(map[string]string, len(cur.Roles))
	changed := false
	for _, r := range cur.Roles {
		to[r.Name] = byID[r.ID]
		changed = changed || to[r.Name] != r.Name
	}
	if !changed {
		return nil
	}
	regs, err := tx.ListApplicationRegistrations(ctx, cur.ID)
	if err != nil {
		return err
	}
	now := e.instant()
	for _, reg := range regs {
		var roles []string
		for _, name := range reg.Roles {
			if n, ok := to[name]; ok {
				name = n
			}
			if kept[name] {
				roles = append(roles, name)
			}
		}
		// Kept as every registration's roles (a new name may sort
		// elsewhere, and two old names may now be one).
		roles = registrationRoles(roles)
		if slices.Equal(roles, reg.Roles) {
			continue
		}
		reg.Roles, reg.LastUpdateInstant = roles, now
		if err := tx.UpdateRegistration(ctx, reg); err != nil {
			return err
		}
	}
	return nil
}

// DeleteApplication deletes the application with its registrations (and
// their pending usernames' moderation items) and refresh tokens
// (FusionAuth's hardDelete=true).
func (e *Engine) DeleteApplication(ctx context.Context, id string) error {
	err := e.inTx(ctx, func(ctx context.Context, tx Store) error {
		// Lock order (PostgreSQL locks every row a transaction reads): the
		// identity providers before the application, as a provider PUT or
		// PATCH locks the provider and then the applications it names.
		// Locked after the application, the two deadlocked, and an
		// immediate run again met the provider's next run in the same
		// cycle, up to the last attempt.
		if _, err := tx.ListIdentityProviders(ctx); err != nil {
			return err
		}
		// The application's refresh tokens before the application, the
		// order of a refresh (its token, then its application). Locked
		// after the application, the store's delete of them waited for a
		// token whose refresh waited for the application: a deadlock.
		if l, ok := tx.(tokenLocker); ok {
			if err := l.LockApplicationTokens(ctx, strings.ToLower(id)); err != nil {
				return err
			}
		}
		// Its registrations' moderation items need no lock here: the
		// store's delete takes them before the registrations its cascade
		// reaches, the order of a moderator's decision (the item, then
		// the user and the registration), and after the application, the
		// order of a registration's update (the application, then the
		// item). Locked before the application, they would close a cycle
		// with such an update.
		a, err := loadApplication(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteApplication(ctx, a.ID); err != nil {
			return err
		}
		return e.forgetInProviders(ctx, tx, []string{a.ID}, "")
	})
	if err != nil {
		return err
	}
	e.log.InfoContext(ctx, "application deleted", "applicationId", strings.ToLower(id))
	return nil
}

// buildApplication turns input into an application without id, tenant,
// instants or active. prev are the stored roles: a role keeps the id and
// insertInstant of the stored role it names by id or, without an id, by name.
func (e *Engine) buildApplication(in ApplicationInput, prev []ApplicationRole, now int64) Application {
	a := Application{
		Name:               strings.TrimSpace(in.Name),
		LoginConfiguration: in.LoginConfiguration,
		VerifyRegistration: in.VerifyRegistration,
		Data:               copyData(in.Data),
	}
	if len(a.Data) == 0 {
		a.Data = nil
	}
	if j := in.JWTConfiguration; j != nil && *j != (ApplicationJWTOverrides{}) {
		c := *j
		c.AccessTokenKeyID = strings.ToLower(strings.TrimSpace(c.AccessTokenKeyID))
		a.JWTConfiguration = &c
	}
	byID := make(map[string]ApplicationRole, len(prev))
	byName := make(map[string]ApplicationRole, len(prev))
	for _, r := range prev {
		byID[r.ID] = r
		byName[strings.ToLower(r.Name)] = r
	}
	// Ids the request gives to roles itself: a role sent without an id
	// does not take one of those by its name, or an update that renames a
	// stored role (by id) and gives its old name to a new role would make
	// two roles of one id and be refused as a duplicate id it never sent.
	claimed := make(map[string]bool, len(in.Roles))
	for _, r := range in.Roles {
		if id := strings.ToLower(strings.TrimSpace(r.ID)); id != "" {
			claimed[id] = true
		}
	}
	for _, r := range in.Roles {
		r.Name = strings.TrimSpace(r.Name)
		r.ID = strings.ToLower(strings.TrimSpace(r.ID))
		old, known := byID[r.ID]
		if r.ID == "" {
			old, known = byName[strings.ToLower(r.Name)]
			if known && claimed[old.ID] {
				old, known = ApplicationRole{}, false
			}
			r.ID = old.ID
		}
		if r.ID == "" {
			r.ID = e.newID()
		}
		r.InsertInstant, r.LastUpdateInstant = now, now
		if known {
			r.InsertInstant, r.LastUpdateInstant = old.InsertInstant, old.LastUpdateInstant
			if old.Name != r.Name || old.Description != r.Description || old.IsDefault != r.IsDefault || old.IsSuperRole != r.IsSuperRole {
				r.LastUpdateInstant = now
			}
		}
		a.Roles = append(a.Roles, r)
	}
	return a
}

func validateApplication(a *Application) error {
	var errs validation.Errors
	if a.Name == "" {
		errs.Blank("application.name")
	}
	names := make(map[string]bool, len(a.Roles))
	ids := make(map[string]bool, len(a.Roles))
	blankRole, badID := false, false
	unstorable := "" // the first role name no store keeps as sent
	for _, r := range a.Roles {
		switch {
		case r.Name == "":
			blankRole = true
		case !validation.IsStorable(r.Name):
			// A role is named by its name (a registration's roles, the
			// roles claim, a delete by name), and no store keeps such a
			// name as sent: each would then match it differently.
			if unstorable == "" {
				unstorable = r.Name
			}
		case names[strings.ToLower(r.Name)]:
			// A role named like a stored one took its id: one error is enough.
			errs.Field("application.roles", validation.KindDuplicate, fmt.Sprintf("The role name [%s] is used more than once in [application.roles].", r.Name))
			continue
		default:
			names[strings.ToLower(r.Name)] = true
		}
		switch {
		case !isUUID(r.ID):
			badID = true
		case ids[r.ID]:
			errs.Field("application.roles", validation.KindDuplicate, fmt.Sprintf("The role id [%s] is used more than once in [application.roles].", r.ID))
		default:
			ids[r.ID] = true
		}
	}
	if blankRole {
		errs.Blank("application.roles.name")
	}
	if unstorable != "" {
		errs.NotStorable("application.roles.name", unstorable)
	}
	if badID {
		errs.Invalid("application.roles.id", "A role id in [application.roles] is not a UUID.")
	}
	if j := a.JWTConfiguration; j != nil {
		validateLifetime(&errs, "application.jwtConfiguration.timeToLiveInSeconds", j.TimeToLiveInSeconds, time.Second)
		validateLifetime(&errs, "application.jwtConfiguration.refreshTokenTimeToLiveInMinutes", j.RefreshTokenTimeToLiveInMinutes, time.Minute)
		validateRefreshPolicies(&errs, "application.jwtConfiguration", j.RefreshTokenUsagePolicy, j.RefreshTokenExpirationPolicy, j.RefreshTokenSlidingWindowConfiguration, j.RefreshTokenTimeToLiveInMinutes, true)
	}
	errs.NotStorableText("application", a)
	return errs.Err()
}

// applicationKeyID is the key that signs a's access tokens instead of its
// tenant's, "" for the tenant's.
func applicationKeyID(a *Application) string {
	if j := a.JWTConfiguration; j != nil && j.Enabled {
		return j.AccessTokenKeyID
	}
	return ""
}

// validateApplicationKey checks an application's own signing key inside the
// transaction that stores it: the key must exist there (and on PostgreSQL
// is locked, so DeleteKey waits for the write and then sees the
// application use it). As for a tenant's key, keys being global, only a
// request for every tenant may choose one; prev is the key the application
// had, which a scoped request may keep.
func validateApplicationKey(ctx context.Context, tx Store, a *Application, prev string) error {
	j := a.JWTConfiguration
	if j == nil || j.AccessTokenKeyID == "" {
		return nil
	}
	const path = "application.jwtConfiguration.accessTokenKeyId"
	if !looksLikeUUID(j.AccessTokenKeyID) {
		return invalid(path, validation.KindInvalid, fmt.Sprintf("The [%s] property must be a key id (a UUID).", path))
	}
	// The scope first: a scoped request must not learn which key ids exist.
	if scopedTenant(ctx) != "" && j.AccessTokenKeyID != prev {
		return invalid(path, validation.KindInvalid, "Only a request for every tenant may choose an application's signing key.")
	}
	k, err := tx.GetKey(ctx, j.AccessTokenKeyID)
	switch {
	case errors.Is(err, ErrNotFound):
		return invalid(path, validation.KindInvalid, fmt.Sprintf("The [%s] property does not name a key: [%s].", path, excerpt.Of(j.AccessTokenKeyID)))
	case err != nil:
		return err
	case !k.canSign():
		return invalid(path, validation.KindInvalid, cannotSignMessage(path, k))
	}
	return nil
}

func applicationStoreError(err error) error {
	var dup *DuplicateError
	if errors.As(err, &dup) {
		switch dup.Field {
		case "id":
			return invalid("applicationId", validation.KindDuplicate, "An application with this Id already exists.")
		case "roleName":
			return invalid("application.roles", validation.KindDuplicate, "A role name is used more than once in [application.roles].")
		}
	}
	return err
}

// applicationInput is the input that reproduces a stored application.
func applicationInput(a *Application) ApplicationInput {
	active := a.Active
	return ApplicationInput{
		ID: a.ID, TenantID: a.TenantID, Name: a.Name, Active: &active, Roles: a.Roles,
		LoginConfiguration: a.LoginConfiguration, VerifyRegistration: a.VerifyRegistration,
		JWTConfiguration: a.JWTConfiguration, Data: a.Data,
	}
}
