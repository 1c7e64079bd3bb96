package authcore

import (
	"github.com/authcore/authcore/validation"

	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// LambdaTwitterReconcile is the type of the lambda a Twitter login runs to
// reconcile the user, the one type the engine knows. FusionAuth's lambdas
// are JavaScript run by the server; in a library they are Go functions
// registered on the engine.
const LambdaTwitterReconcile = "TwitterReconcile"

// ReconcileFunc is a reconcile lambda: it may change the user and the
// registration a login is about to write, from the identity provider's raw
// claims (for Twitter, the verify_credentials JSON), but not move them: the
// user's id and tenant and the registration's id, user and application are
// restored after it. An error or a panic
// fails the login with status 512 and writes nothing. It runs inside the
// login's transaction, so it should be quick and must not wait for other
// logins to return (see Transactor).
type ReconcileFunc func(ctx context.Context, user *User, registration *UserRegistration, claims map[string]any) error

// Lambda is a registered function, found by ID from an identity provider's
// lambdaConfiguration.reconcileId.
type Lambda struct {
	ID   string
	Name string
	// Type is the FusionAuth lambda type, e.g. LambdaTwitterReconcile; an
	// identity provider accepts only a lambda of its own type.
	Type      string
	Reconcile ReconcileFunc
}

type lambdas struct {
	mu sync.RWMutex
	m  map[string]Lambda
}

// WithLambda registers a lambda when the engine is created.
func WithLambda(l Lambda) Option {
	return func(e *Engine) error { return e.RegisterLambda(l) }
}

// RegisterLambda registers (or replaces) a lambda. Lambdas live in the
// process, not the store: every instance of an app registers its own at
// start-up, like its HTTP handlers.
func (e *Engine) RegisterLambda(l Lambda) error {
	if !isUUID(l.ID) {
		return fmt.Errorf("authcore: lambda id %q is not a UUID", l.ID)
	}
	if l.Type == "" {
		return errors.New("authcore: lambda needs a Type")
	}
	if l.Type == LambdaTwitterReconcile && l.Reconcile == nil {
		return errors.New("authcore: a TwitterReconcile lambda needs a Reconcile func")
	}
	// Ids are UUIDs in any case; kept lower-cased, as an identity
	// provider's reconcileId is, so that either spelling finds the function.
	l.ID = strings.ToLower(l.ID)
	e.lambdas.mu.Lock()
	defer e.lambdas.mu.Unlock()
	if e.lambdas.m == nil {
		e.lambdas.m = map[string]Lambda{}
	}
	e.lambdas.m[l.ID] = l
	return nil
}

// lambda returns the registered lambda with this id.
func (e *Engine) lambda(id string) (Lambda, bool) {
	e.lambdas.mu.RLock()
	defer e.lambdas.mu.RUnlock()
	l, ok := e.lambdas.m[strings.ToLower(id)]
	return l, ok
}

func isUUID(s string) bool { return validation.IsUUID(s) }
