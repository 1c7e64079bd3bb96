package memstore

import "github.com/authcore/authcore/authcore"

// Values are copied in and out so that no caller shares memory with the store.

func cloneAny(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return cloneMap(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = cloneAny(e)
		}
		return out
	default:
		return v
	}
}

func cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneAny(v)
	}
	return out
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string(nil), s...)
}

func cloneBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}

func cloneTenant(t *authcore.Tenant) *authcore.Tenant {
	c := *t
	c.Data = cloneMap(t.Data)
	return &c
}

func cloneApplication(a *authcore.Application) *authcore.Application {
	c := *a
	c.Roles = append([]authcore.ApplicationRole(nil), a.Roles...)
	if a.JWTConfiguration != nil {
		j := *a.JWTConfiguration
		c.JWTConfiguration = &j
	}
	c.Data = cloneMap(a.Data)
	return &c
}

func clonePending(p *authcore.PendingLink) *authcore.PendingLink {
	c := *p
	c.Data = cloneMap(p.Data)
	return &c
}

func cloneIdP(p *authcore.IdentityProviderRecord) *authcore.IdentityProviderRecord {
	c := *p
	c.Document = cloneBytes(p.Document)
	return &c
}

func cloneAPIKey(k *authcore.APIKey) *authcore.APIKey {
	c := *k
	c.KeyHash = cloneBytes(k.KeyHash)
	return &c
}

func cloneRefreshToken(t *authcore.RefreshToken) *authcore.RefreshToken {
	c := *t
	c.TokenHash = cloneBytes(t.TokenHash)
	c.PreviousTokenHash = cloneBytes(t.PreviousTokenHash)
	c.MetaData = cloneMap(t.MetaData)
	return &c
}

func cloneKey(k *authcore.SigningKey) *authcore.SigningKey {
	c := *k
	c.Secret = cloneBytes(k.Secret)
	c.PublicKey = cloneBytes(k.PublicKey)
	return &c
}
