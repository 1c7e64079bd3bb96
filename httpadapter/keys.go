package httpadapter

import (
	"net/http"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/validation"
)

// keyRoutes is FusionAuth's Key API: generate, import, retrieve, update
// (the name only), delete and search.
func (h *Handler) keyRoutes() {
	h.handle("POST /api/key/generate", false, h.generateKey)
	h.handle("POST /api/key/generate/{keyId}", false, h.generateKey)
	h.handle("POST /api/key/import", false, h.importKey)
	h.handle("POST /api/key/import/{keyId}", false, h.importKey)
	h.handle("GET /api/key", false, h.getKeys)
	h.handle("GET /api/key/{keyId}", false, h.getKey)
	h.handle("PUT /api/key/{keyId}", false, h.updateKey)
	h.handle("DELETE /api/key/{keyId}", false, h.deleteKey)
	h.handle("POST /api/key/search", false, h.searchKeys)
	h.handle("GET /api/key/search", false, h.searchKeysByQuery)
}

type keyBody struct {
	Key struct {
		Algorithm string `json:"algorithm"`
		Name      string `json:"name"`
		Length    int    `json:"length"`
		Issuer    string `json:"issuer"`
	} `json:"key"`
}

// importKeyBody is FusionAuth's Import Key request.
type importKeyBody struct {
	Key struct {
		Algorithm   string `json:"algorithm"`
		Certificate string `json:"certificate"`
		Kid         string `json:"kid"`
		Name        string `json:"name"`
		PrivateKey  string `json:"privateKey"`
		PublicKey   string `json:"publicKey"`
		Secret      string `json:"secret"`
		Type        string `json:"type"`
	} `json:"key"`
}

// updateKeyBody is FusionAuth's Update a Key request. Only the name is
// read: FusionAuth keeps every other field of a key as it is, and a client
// may send back the whole key it retrieved.
type updateKeyBody struct {
	Key struct {
		Name string `json:"name"`
	} `json:"key"`
}

type keyResponse struct {
	Key authcore.KeyInfo `json:"key"`
}

type keysResponse struct {
	Keys []authcore.KeyInfo `json:"keys"`
}

func (h *Handler) generateKey(w http.ResponseWriter, r *http.Request) error {
	id, err := uuidParam(r, "keyId", "keyId")
	if err != nil {
		return err
	}
	var body keyBody
	if err := h.decode(w, r, &body); err != nil {
		return err
	}
	k, err := h.engine.CreateSigningKey(r.Context(), authcore.NewKey{ID: id, Algorithm: body.Key.Algorithm, Name: body.Key.Name, Length: body.Key.Length, Issuer: body.Key.Issuer})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, keyResponse{Key: k.Info()})
	return nil
}

func (h *Handler) importKey(w http.ResponseWriter, r *http.Request) error {
	id, err := uuidParam(r, "keyId", "keyId")
	if err != nil {
		return err
	}
	var body importKeyBody
	if err := h.decode(w, r, &body); err != nil {
		return err
	}
	b := body.Key
	k, err := h.engine.ImportKey(r.Context(), authcore.KeyImport{ID: id, Algorithm: b.Algorithm, Certificate: b.Certificate, Kid: b.Kid,
		Name: b.Name, PrivateKey: b.PrivateKey, PublicKey: b.PublicKey, Secret: b.Secret, Type: b.Type})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, keyResponse{Key: k.Info()})
	return nil
}

func (h *Handler) getKeys(w http.ResponseWriter, r *http.Request) error {
	keys, err := h.engine.Keys(r.Context())
	if err != nil {
		return err
	}
	out := keysResponse{Keys: make([]authcore.KeyInfo, 0, len(keys))}
	for _, k := range keys {
		out.Keys = append(out.Keys, k.Info())
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) getKey(w http.ResponseWriter, r *http.Request) error {
	id, err := uuidParam(r, "keyId", "keyId")
	if err != nil {
		return err
	}
	k, err := h.engine.Key(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, keyResponse{Key: k.Info()})
	return nil
}

func (h *Handler) updateKey(w http.ResponseWriter, r *http.Request) error {
	id, err := uuidParam(r, "keyId", "keyId")
	if err != nil {
		return err
	}
	var body updateKeyBody
	if err := h.decode(w, r, &body); err != nil {
		return err
	}
	k, err := h.engine.UpdateKey(r.Context(), id, authcore.KeyUpdate{Name: body.Key.Name})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, keyResponse{Key: k.Info()})
	return nil
}

func (h *Handler) searchKeys(w http.ResponseWriter, r *http.Request) error {
	var req authcore.KeySearchRequest
	if err := h.decode(w, r, &req); err != nil {
		return err
	}
	out, err := h.engine.SearchKeys(r.Context(), req.Search)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// searchKeysByQuery is the search with its criteria as request parameters
// (FusionAuth's GET form, the client's searchKeysByParameters, which sends
// an omitted argument as "null" or "undefined": absent, as jwtQuery reads
// them). A number that is no whole number is [couldNotConvert]<name>; the
// criteria are then checked as the POST form's, under search.<field>.
func (h *Handler) searchKeysByQuery(w http.ResponseWriter, r *http.Request) error {
	c := authcore.KeySearchCriteria{
		Algorithm: jwtQuery(r, "algorithm"), Name: jwtQuery(r, "name"),
		OrderBy: jwtQuery(r, "orderBy"), Type: jwtQuery(r, "type"),
	}
	var errs validation.Errors
	pagingQuery(r, &errs, &c.NumberOfResults, &c.StartRow)
	if err := errs.Err(); err != nil {
		return err
	}
	out, err := h.engine.SearchKeys(r.Context(), c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) deleteKey(w http.ResponseWriter, r *http.Request) error {
	id, err := uuidParam(r, "keyId", "keyId")
	if err != nil {
		return err
	}
	if err := h.engine.DeleteKey(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
