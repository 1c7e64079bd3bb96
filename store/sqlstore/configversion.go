package sqlstore

import "context"

// ConfigVersion returns a number that changes whenever a tenant, an
// application, an identity provider or a signing key is created, updated or
// deleted (authcore.ConfigVersioner). Triggers of migration 0004 bump it in
// the writing transaction, so it covers every writer of the database, this
// process or another.
func (s *Store) ConfigVersion(ctx context.Context) (int64, error) {
	return read(s, ctx, func(t *tx) (int64, error) {
		var v int64
		if err := t.queryRow(ctx, `SELECT version FROM config_version WHERE id = 1`).Scan(&v); err != nil {
			return 0, s.mapErr(ctx, err)
		}
		return v, nil
	})
}
