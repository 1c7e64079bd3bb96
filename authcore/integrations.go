package authcore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"

	"github.com/authcore/authcore/integration"
)

// Integrations returns the global integrations; before anything was stored,
// the defaults (both disabled), never ErrNotFound.
func (e *Engine) Integrations(ctx context.Context) (integration.Integrations, error) {
	if err := requireGlobal(ctx); err != nil {
		return integration.Integrations{}, err
	}
	return e.loadIntegrations(ctx, e.store)
}

func (e *Engine) loadIntegrations(ctx context.Context, s Store) (integration.Integrations, error) {
	in, err := s.GetIntegrations(ctx)
	if errors.Is(err, ErrNotFound) {
		return integration.Defaults(), nil
	}
	if err != nil {
		return integration.Integrations{}, err
	}
	return *in, nil
}

// UpdateIntegrations replaces the integrations (PUT): normalised, validated,
// stored; an invalid value stores nothing.
func (e *Engine) UpdateIntegrations(ctx context.Context, in integration.Integrations) (integration.Integrations, error) {
	if err := requireGlobal(ctx); err != nil {
		return integration.Integrations{}, err
	}
	out := integration.Normalize(in)
	if err := integration.Validate(out); err != nil {
		return integration.Integrations{}, err
	}
	// Held until the cache is updated, so that of two concurrent writes the
	// one that wrote the store last also updates the cache last.
	e.ext.writingIntegrations.Lock()
	defer e.ext.writingIntegrations.Unlock()
	// A single write, but on SQLite a commit group another member broke
	// can fail it with a conflict.
	if err := retryConflicts(ctx, func() error { return e.store.PutIntegrations(ctx, &out) }); err != nil {
		return integration.Integrations{}, err
	}
	e.integrationsChanged(out) // events.go: reconfigures the running relay
	e.log.InfoContext(ctx, "integrations updated", "cleanspeak", out.CleanSpeak.Enabled, "kafka", out.Kafka.Enabled)
	return out, nil
}

// PatchIntegrations applies a PATCH in any of the three forms to the stored
// integrations, then validates the result exactly like a PUT. Read, patch and
// write run in one transaction, so concurrent patches never lose an update.
func (e *Engine) PatchIntegrations(ctx context.Context, req PatchRequest) (integration.Integrations, error) {
	if err := requireGlobal(ctx); err != nil {
		return integration.Integrations{}, err
	}
	req.Body = renameCleanSpeakAlias(req)
	// Held until the cache is updated, as in UpdateIntegrations.
	e.ext.writingIntegrations.Lock()
	defer e.ext.writingIntegrations.Unlock()
	var out integration.Integrations
	err := e.inTx(ctx, func(ctx context.Context, tx Store) error {
		cur, err := e.loadIntegrations(ctx, tx)
		if err != nil {
			return err
		}
		patched, err := applyPatch(req, integration.Output{Integrations: cur}, integration.ReplacePaths)
		if err != nil {
			return err
		}
		var in integration.Input
		if err := DecodeJSON(patched, &in); err != nil {
			return err
		}
		// Validated as a PUT body (SPEC §2): a patch that removes
		// "integrations" (null, or an RFC 6902 remove) is refused as the
		// PUT without it is, where it reset both to their defaults.
		if err := in.RequireIntegrations(); err != nil {
			return err
		}
		out = integration.Normalize(in.Value())
		if err := integration.Validate(out); err != nil {
			return err
		}
		return tx.PutIntegrations(ctx, &out)
	})
	if err != nil {
		return integration.Integrations{}, err
	}
	e.integrationsChanged(out) // events.go: reconfigures the running relay
	e.log.InfoContext(ctx, "integrations patched", "cleanspeak", out.CleanSpeak.Enabled, "kafka", out.Kafka.Enabled)
	return out, nil
}

// renameCleanSpeakAlias lets a merge-style patch use the documented request
// spelling "cleanSpeakConfiguration": it is merged into "cleanspeak" rather
// than added beside it, where it would be ignored.
func renameCleanSpeakAlias(req PatchRequest) []byte {
	// The look for the name skips the parse when the alias cannot be there:
	// a member name may also spell it with \u escapes, which PUT's decoder
	// reads as the alias too.
	if !bytes.Contains(req.Body, []byte(`"cleanSpeakConfiguration"`)) && !bytes.Contains(req.Body, []byte(`\u`)) {
		return req.Body
	}
	return rewriteMergeBody(req, "integrations", func(inner map[string]json.RawMessage) bool {
		alias, ok := inner["cleanSpeakConfiguration"]
		if !ok {
			return false
		}
		if _, both := inner["cleanspeak"]; !both {
			inner["cleanspeak"] = alias
		}
		delete(inner, "cleanSpeakConfiguration")
		return true
	})
}
