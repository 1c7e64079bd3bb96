package httpadapter

// Patterns returns every registered route's "METHOD /path", for the sweep.
func (h *Handler) Patterns() []string { return append([]string(nil), h.patterns...) }
