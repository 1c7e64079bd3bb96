package authcore

import (
	"context"
	"fmt"
	"strings"

	"github.com/authcore/authcore/internal/excerpt"
	"github.com/authcore/authcore/validation"
)

// ApplicationRoleRequest is the body of the Application Role API's create,
// update and patch: {"role": {...}}. Instants in it are ignored.
type ApplicationRoleRequest struct {
	Role ApplicationRole `json:"role"`
}

// ApplicationRoleResponse is what the Application Role API answers.
type ApplicationRoleResponse struct {
	Role *ApplicationRole `json:"role,omitempty"`
}

// CreateApplicationRole adds a role to an application (POST
// /api/application/{id}/role[/{roleId}]). The role's id is roleID, else
// role.id, else a new one. A name another role of the application has, in
// any case, is [duplicate]role.name; an id it has is [duplicate]roleId.
func (e *Engine) CreateApplicationRole(ctx context.Context, applicationID, roleID string, req ApplicationRoleRequest) (*ApplicationRole, error) {
	role := req.Role
	if roleID == "" {
		roleID = strings.ToLower(strings.TrimSpace(role.ID))
		if roleID != "" && !isUUID(roleID) {
			return nil, invalid("role.id", validation.KindInvalid, "The role id ["+excerpt.Of(role.ID)+"] is not a UUID.")
		}
	}
	id, err := newObjectID(e, roleID, "roleId")
	if err != nil {
		return nil, err
	}
	role.ID = id
	return e.changeRoles(ctx, applicationID, id, func(roles []ApplicationRole) ([]ApplicationRole, error) {
		if roleIndex(roles, id) >= 0 {
			return nil, invalid("roleId", validation.KindDuplicate, "A role with this Id already exists in the application.")
		}
		if err := checkRole(roles, &role); err != nil {
			return nil, err
		}
		return append(roles, role), nil
	})
}

// UpdateApplicationRole replaces a role of an application (PUT): a field
// left out takes its default. Registrations that have the role follow a new
// name.
func (e *Engine) UpdateApplicationRole(ctx context.Context, applicationID, roleID string, req ApplicationRoleRequest) (*ApplicationRole, error) {
	return e.replaceRole(ctx, applicationID, roleID, func(ApplicationRole) (ApplicationRole, error) { return req.Role, nil })
}

// PatchApplicationRole applies a PATCH in any of the three forms (see PatchRequest)
// to {"role": …}.
func (e *Engine) PatchApplicationRole(ctx context.Context, applicationID, roleID string, req PatchRequest) (*ApplicationRole, error) {
	return e.replaceRole(ctx, applicationID, roleID, func(cur ApplicationRole) (ApplicationRole, error) {
		patched, err := applyPatch(req, ApplicationRoleResponse{Role: &cur}, nil)
		if err != nil {
			return ApplicationRole{}, err
		}
		var in ApplicationRoleRequest
		if err := DecodeJSON(patched, &in); err != nil {
			return ApplicationRole{}, err
		}
		return in.Role, nil
	})
}

// DeleteApplicationRole removes a role from an application and from every
// registration that has it.
func (e *Engine) DeleteApplicationRole(ctx context.Context, applicationID, roleID string) error {
	id := strings.ToLower(roleID)
	_, err := e.changeRoles(ctx, applicationID, "", func(roles []ApplicationRole) ([]ApplicationRole, error) {
		i := roleIndex(roles, id)
		if i < 0 {
			return nil, fmt.Errorf("authcore: application %s has no role %q: %w", applicationID, roleID, ErrNotFound)
		}
		return append(roles[:i:i], roles[i+1:]...), nil
	})
	return err
}

// DeleteApplicationRoleByName removes the role with this name (in any case)
// from an application, as DeleteApplicationRole does.
func (e *Engine) DeleteApplicationRoleByName(ctx context.Context, applicationID, name string) error {
	if strings.TrimSpace(name) == "" {
		var errs validation.Errors
		errs.Blank("name")
		return errs.Err()
	}
	_, err := e.changeRoles(ctx, applicationID, "", func(roles []ApplicationRole) ([]ApplicationRole, error) {
		for i, r := range roles {
			if strings.EqualFold(r.Name, strings.TrimSpace(name)) {
				return append(roles[:i:i], roles[i+1:]...), nil
			}
		}
		return nil, fmt.Errorf("authcore: application %s has no role named %q: %w", applicationID, name, ErrNotFound)
	})
	return err
}

// replaceRole is the read-modify-write of a role's PUT and PATCH: build gets
// the stored role and returns its replacement, which keeps the stored id.
func (e *Engine) replaceRole(ctx context.Context, applicationID, roleID string, build func(cur ApplicationRole) (ApplicationRole, error)) (*ApplicationRole, error) {
	id := strings.ToLower(roleID)
	return e.changeRoles(ctx, applicationID, id, func(roles []ApplicationRole) ([]ApplicationRole, error) {
		i := roleIndex(roles, id)
		if i < 0 {
			return nil, fmt.Errorf("authcore: application %s has no role %q: %w", applicationID, roleID, ErrNotFound)
		}
		next, err := build(roles[i])
		if err != nil {
			return nil, err
		}
		next.ID = id
		others := append(roles[:i:i], roles[i+1:]...)
		if err := checkRole(others, &next); err != nil {
			return nil, err
		}
		out := append([]ApplicationRole(nil), roles...)
		out[i] = next
		return out, nil
	})
}

// changeRoles changes an application's roles through the application's own
// update, so that registrations follow (followRoleChanges) and the roles'
// instants are kept as an application update keeps them. It returns the
// stored role with id resultID, or nil for "".
func (e *Engine) changeRoles(ctx context.Context, applicationID, resultID string, change func([]ApplicationRole) ([]ApplicationRole, error)) (*ApplicationRole, error) {
	app, err := e.changeApplication(ctx, applicationID, func(cur *Application) (ApplicationInput, error) {
		in := applicationInput(cur)
		roles, err := change(append([]ApplicationRole(nil), cur.Roles...))
		if err != nil {
			return ApplicationInput{}, err
		}
		in.Roles = roles
		return in, nil
	})
	if err != nil || resultID == "" {
		return nil, err
	}
	if i := roleIndex(app.Roles, resultID); i >= 0 {
		r := app.Roles[i]
		return &r, nil
	}
	return nil, fmt.Errorf("authcore: role %s is missing after its update", resultID)
}

// checkRole validates a role the Role API is about to store next to others,
// with the Role API's field paths.
func checkRole(others []ApplicationRole, r *ApplicationRole) error {
	r.Name = strings.TrimSpace(r.Name)
	var errs validation.Errors
	if r.Name == "" {
		errs.Blank("role.name")
	}
	// As application.roles.name (validateApplication).
	if errs.NotStorable("role.name", r.Name) {
		return errs.Err()
	}
	errs.NotStorableText("role", r)
	for _, o := range others {
		if r.Name != "" && strings.EqualFold(o.Name, r.Name) {
			errs.Field("role.name", validation.KindDuplicate, "The application already has a role named ["+excerpt.Of(o.Name)+"].")
			break
		}
	}
	return errs.Err()
}

func roleIndex(roles []ApplicationRole, id string) int {
	for i, r := range roles {
		if r.ID == id {
			return i
		}
	}
	return -1
}
