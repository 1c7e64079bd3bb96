package authcore

// CachedConfig returns what the engine's current configuration snapshot
// holds (configcache.go), for tests that check it is never modified.
func (e *Engine) CachedConfig() []any {
	snap := e.cfg.cur.Load()
	if snap == nil {
		return nil
	}
	snap.mu.RLock()
	defer snap.mu.RUnlock()
	out := make([]any, 0, len(snap.objects))
	for _, v := range snap.objects {
		out = append(out, v)
	}
	return out
}
