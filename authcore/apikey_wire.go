package authcore

import (
	"context"

	"github.com/authcore/authcore/validation"
)

// APIKeyRequest is the body of FusionAuth's Create, Update and Patch an API
// Key (the clients' APIKeyRequest): the key, or a key to copy.
type APIKeyRequest struct {
	APIKey      *APIKeyInfo `json:"apiKey,omitempty"`
	SourceKeyID string      `json:"sourceKeyId,omitempty"`
}

// APIKeyResponse is the answer of Create, Retrieve, Update and Patch.
type APIKeyResponse struct {
	APIKey *APIKeyInfo `json:"apiKey,omitempty"`
}

// APIKeyInfo is an API key as FusionAuth's API writes it (the clients'
// APIKey). Key is set in a create's answer only: the store keeps a hash.
// Retrievable is always false in an answer for that reason;
// IPAccessControlListID is read so that a request that sets it can be
// refused (docs/DECISIONS.md), and never written.
type APIKeyInfo struct {
	ExpirationInstant     int64              `json:"expirationInstant,omitempty"`
	ID                    string             `json:"id,omitempty"`
	InsertInstant         int64              `json:"insertInstant,omitempty"`
	IPAccessControlListID string             `json:"ipAccessControlListId,omitempty"`
	Key                   string             `json:"key,omitempty"`
	KeyManager            bool               `json:"keyManager"`
	LastUpdateInstant     int64              `json:"lastUpdateInstant,omitempty"`
	MetaData              *APIKeyMetaData    `json:"metaData,omitempty"`
	Name                  string             `json:"name,omitempty"`
	Permissions           *APIKeyPermissions `json:"permissions,omitempty"`
	Retrievable           bool               `json:"retrievable"`
	TenantID              string             `json:"tenantId,omitempty"`
}

// APIKeyMetaData holds a key's description; other attributes are not kept.
type APIKeyMetaData struct {
	Attributes map[string]string `json:"attributes,omitempty"`
}

// APIKeyPermissions are a key's endpoint permissions (APIKey.Endpoints).
type APIKeyPermissions struct {
	Endpoints map[string][]string `json:"endpoints,omitempty"`
}

// Info is the key as the API answers it, without the key itself. A key
// stored before it had a last-update instant answers its insert instant.
func (k *APIKey) Info() *APIKeyInfo {
	out := &APIKeyInfo{ID: k.ID, InsertInstant: k.InsertInstant, LastUpdateInstant: k.LastUpdateInstant,
		ExpirationInstant: k.ExpirationInstant, KeyManager: k.KeyManager, TenantID: k.TenantID, Name: k.Name}
	if out.LastUpdateInstant == 0 {
		out.LastUpdateInstant = k.InsertInstant
	}
	if k.Description != "" {
		out.MetaData = &APIKeyMetaData{Attributes: map[string]string{"description": k.Description}}
	}
	if len(k.Endpoints) > 0 {
		out.Permissions = &APIKeyPermissions{Endpoints: normalEndpoints(k.Endpoints)}
	}
	return out
}

// unsupported refuses what authcore cannot honour: a retrievable key (keys
// are stored hashed) and an IP access control list (authcore has none, so
// no id names one).
func (in *APIKeyInfo) unsupported() error {
	var v validation.Errors
	if in.Retrievable {
		v.Field("apiKey.retrievable", validation.KindInvalid, "API keys are stored hashed and cannot be retrieved; [apiKey.retrievable] must be false.")
	}
	if in.IPAccessControlListID != "" {
		v.Field("apiKey.ipAccessControlListId", validation.KindInvalid, "The [apiKey.ipAccessControlListId] property does not name an IP access control list.")
	}
	return v.Err()
}

func (in *APIKeyInfo) description() string {
	if in.MetaData == nil {
		return ""
	}
	return in.MetaData.Attributes["description"]
}

func (in *APIKeyInfo) endpoints() map[string][]string {
	if in.Permissions == nil {
		return nil
	}
	return in.Permissions.Endpoints
}

// NewAPIKey is the create the request asks for, with id from the URI (""
// for a generated one): [missing]apiKey when it has neither a key nor a
// key to copy; retrievable and ipAccessControlListId refused as
// APIKeyInfo says.
func (r APIKeyRequest) NewAPIKey(id string) (NewAPIKey, error) {
	in := NewAPIKey{ID: id, SourceKeyID: r.SourceKeyID}
	if r.APIKey == nil {
		if r.SourceKeyID == "" {
			return NewAPIKey{}, invalid("apiKey", validation.KindMissing, "You must specify the [apiKey] property, or [sourceKeyId] to copy a key.")
		}
		return in, nil
	}
	if err := r.APIKey.unsupported(); err != nil {
		return NewAPIKey{}, err
	}
	a := r.APIKey
	in.Key, in.TenantID, in.Name, in.Description, in.KeyManager = a.Key, a.TenantID, a.Name, a.description(), a.KeyManager
	in.Endpoints, in.ExpirationInstant = a.endpoints(), a.ExpirationInstant
	return in, nil
}

// Update is the update the request asks for: [missing]apiKey without one.
func (r APIKeyRequest) Update() (APIKeyUpdate, error) {
	if r.APIKey == nil {
		return APIKeyUpdate{}, invalid("apiKey", validation.KindMissing, "You must specify the [apiKey] property.")
	}
	if err := r.APIKey.unsupported(); err != nil {
		return APIKeyUpdate{}, err
	}
	a := r.APIKey
	return APIKeyUpdate{Name: a.Name, Description: a.description(), Endpoints: a.endpoints(), ExpirationInstant: a.ExpirationInstant,
		TenantID: a.TenantID, KeyManager: a.KeyManager, Key: a.Key}, nil
}

// PatchAPIKey applies a PATCH (SPEC §2, any of its three forms) to the
// request-shaped key ({"apiKey": {...}} as Retrieve answers it) and updates
// the key with the result, validated as UpdateAPIKey validates, in one
// transaction. It is the clients' patchAPIKey, which FusionAuth's API Keys
// page does not list.
func (e *Engine) PatchAPIKey(ctx context.Context, id string, req PatchRequest) (*APIKey, error) {
	return e.changeAPIKey(ctx, id, func(cur *APIKey) (APIKeyUpdate, error) {
		patched, err := applyPatch(req, APIKeyRequest{APIKey: cur.Info()}, nil)
		if err != nil {
			return APIKeyUpdate{}, err
		}
		var in APIKeyRequest
		if err := DecodeJSON(patched, &in); err != nil {
			return APIKeyUpdate{}, err
		}
		return in.Update()
	})
}
