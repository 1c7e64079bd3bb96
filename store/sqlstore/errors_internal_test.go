package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"github.com/authcore/authcore/authcore"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
)

func TestSQLiteDuplicateField(t *testing.T) {
	tests := []struct{ msg, want string }{
		{"UNIQUE constraint failed: users.tenant_id, users.email_lower (2067)", "email"},
		{"constraint failed: UNIQUE constraint failed: users.tenant_id, users.username_lower (2067)", "username"},
		{"UNIQUE constraint failed: tenants.name_lower", "name"},
		{"UNIQUE constraint failed: registrations.user_id, registrations.application_id", "registration"},
		{"UNIQUE constraint failed: registrations.id", "registrationId"},
		{"UNIQUE constraint failed: links.tenant_id, links.provider_id, links.provider_user_id", "link"},
		{"UNIQUE constraint failed: api_keys.key_hash", "key"},
		{"UNIQUE constraint failed: refresh_tokens.token_hash", "token"},
		{"UNIQUE constraint failed: users.id", "id"},
		{"something else entirely", "id"},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, sqliteDuplicateField(tc.msg), tc.msg)
	}
}

// TestMapPostgresErrors covers the codes a test server rarely produces on
// demand (deadlocks, serialisation failures), and that no raw server text
// about data leaves the package.
func TestMapPostgresErrors(t *testing.T) {
	s := &Store{dialect: Postgres}
	ctx := context.Background()
	tests := []struct {
		name      string
		err       *pgconn.PgError
		wantIs    error
		wantField string
	}{
		{"unique e-mail", &pgconn.PgError{Code: "23505", ConstraintName: "users_email_key", Detail: "Key (tenant_id, email_lower)=(t, ada@example.com) already exists."}, authcore.ErrDuplicate, "email"},
		{"unique link", &pgconn.PgError{Code: "23505", ConstraintName: "links_pkey"}, authcore.ErrDuplicate, "link"},
		{"unique registration id", &pgconn.PgError{Code: "23505", ConstraintName: "registrations_id_key"}, authcore.ErrDuplicate, "registrationId"},
		{"primary key", &pgconn.PgError{Code: "23505", ConstraintName: "tenants_pkey"}, authcore.ErrDuplicate, "id"},
		{"foreign key", &pgconn.PgError{Code: "23503", Message: "insert or update on table users violates foreign key", Detail: "Key (tenant_id)=(secret) is not present"}, authcore.ErrNotFound, ""},
		{"serialization failure", &pgconn.PgError{Code: "40001"}, authcore.ErrConflict, ""},
		{"deadlock", &pgconn.PgError{Code: "40P01"}, authcore.ErrConflict, ""},
		{"lock not available", &pgconn.PgError{Code: "55P03"}, authcore.ErrConflict, ""},
		{"not storable", &pgconn.PgError{Code: "22021", Message: `invalid byte sequence for encoding "UTF8": 0x00`}, authcore.ErrNotStorable, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.mapErr(ctx, fmt.Errorf("wrapped: %w", tc.err))
			require.ErrorIs(t, err, tc.wantIs)
			require.NotContains(t, err.Error(), "example.com")
			require.NotContains(t, err.Error(), "secret")
			var pe *pgconn.PgError
			require.False(t, errors.As(err, &pe), "the driver error is not passed on")
			if tc.wantField != "" {
				var d *authcore.DuplicateError
				require.True(t, errors.As(err, &d))
				require.Equal(t, tc.wantField, d.Field)
			}
		})
	}
	dataErr := s.mapErr(ctx, &pgconn.PgError{Code: "22021", Message: `invalid byte sequence for encoding "UTF8": 0x00 in "top secret"`})
	require.NotContains(t, dataErr.Error(), "top secret")
	require.ErrorIs(t, s.mapErr(ctx, sql.ErrNoRows), authcore.ErrNotFound)
	require.NoError(t, s.mapErr(ctx, nil))

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	require.ErrorIs(t, s.mapErr(cancelled, &pgconn.PgError{Code: "57014"}), context.Canceled)
}
