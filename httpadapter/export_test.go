package httpadapter

// Patterns returns every registered route's "METHOD /path", for the sweep.
func (h *Handler) Patterns() []string { return append([]string(nil), h.patterns...) }

// EndpointName is endpointName, for the test that the routes and
// authcore.APIEndpoints agree.
func EndpointName(pattern string) string { return endpointName(pattern) }
