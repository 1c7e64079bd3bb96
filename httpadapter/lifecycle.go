package httpadapter

import (
	"context"
	"net/http"

	"github.com/authcore/authcore/authcore"
)

// lifecycle holds what differs between objects that FusionAuth retrieves,
// updates, patches, deactivates and deletes the same way (tenants,
// applications, users): the URI parameter, the engine's calls and the
// response wrapper. Its methods are the shared endpoints. reactivate,
// deactivate and remove are needed only by the endpoints that use them.
type lifecycle[T, In any] struct {
	h          *Handler
	param      string
	get        func(ctx context.Context, id string) (*T, error)
	update     func(ctx context.Context, id string, in In) (*T, error)
	patch      func(ctx context.Context, id string, req authcore.PatchRequest) (*T, error)
	reactivate func(ctx context.Context, id string) (*T, error)
	deactivate func(ctx context.Context, id string) (*T, error)
	remove     func(ctx context.Context, id string) error
	wrap       func(*T) any
	// deleteBody: DELETE also reads an optional JSON body whose hardDelete
	// asks for the hard delete and whose eventInfo the event takes (the
	// clients' deleteUserWithRequest sends UserDeleteSingleRequest).
	deleteBody bool
}

// deleteRequest is the optional body of DELETE /api/user/{id}.
type deleteRequest struct {
	HardDelete bool                `json:"hardDelete"`
	EventInfo  *authcore.EventInfo `json:"eventInfo"`
}

func (l lifecycle[T, In]) respond(w http.ResponseWriter, v *T, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l.wrap(v))
	return nil
}

// retrieve answers GET /…/{param}.
func (l lifecycle[T, In]) retrieve(w http.ResponseWriter, r *http.Request) error {
	id, err := uuidParam(r, l.param, l.param)
	if err != nil {
		return err
	}
	v, err := l.get(r.Context(), id)
	return l.respond(w, v, err)
}

// put replaces the object, or, for objects that can be reactivated, with
// ?reactivate=true (the client's reactivate*, no body) sets it active again.
func (l lifecycle[T, In]) put(w http.ResponseWriter, r *http.Request) error {
	id, err := uuidParam(r, l.param, l.param)
	if err != nil {
		return err
	}
	reactivate := false
	if l.reactivate != nil {
		if reactivate, err = boolQuery(r, "reactivate"); err != nil {
			return err
		}
	}
	if reactivate {
		v, err := l.reactivate(r.Context(), id)
		return l.respond(w, v, err)
	}
	var in In
	if err := l.h.decode(w, r, &in); err != nil {
		return err
	}
	v, err := l.update(r.Context(), id, in)
	return l.respond(w, v, err)
}

// patchEndpoint applies a PATCH in any of the three forms.
func (l lifecycle[T, In]) patchEndpoint(w http.ResponseWriter, r *http.Request) error {
	id, err := uuidParam(r, l.param, l.param)
	if err != nil {
		return err
	}
	req, err := l.h.patchRequest(w, r)
	if err != nil {
		return err
	}
	v, err := l.patch(r.Context(), id, req)
	return l.respond(w, v, err)
}

// delete deletes for good with ?hardDelete=true (the client's delete*), or
// where deleteBody is set with {"hardDelete": true} in the body; without
// it, it deactivates (deactivate*), as FusionAuth does.
func (l lifecycle[T, In]) delete(w http.ResponseWriter, r *http.Request) error {
	id, err := uuidParam(r, l.param, l.param)
	if err != nil {
		return err
	}
	hard, err := boolQuery(r, "hardDelete")
	if err != nil {
		return err
	}
	ctx := r.Context()
	if l.deleteBody {
		var body deleteRequest
		if err := l.h.optionalBody(w, r, &body); err != nil {
			return err
		}
		hard = hard || body.HardDelete
		ctx = authcore.WithRequestEventInfo(ctx, body.EventInfo)
	}
	if hard {
		err = l.remove(ctx, id)
	} else {
		_, err = l.deactivate(ctx, id)
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
