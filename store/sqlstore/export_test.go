package sqlstore

// GroupStats reports how many commit groups a store ended and how many
// transactions they carried (group.go).
func GroupStats(s *Store) (groups, members int64) { return s.groups.Load(), s.members.Load() }
