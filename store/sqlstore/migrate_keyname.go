package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/validation"
)

// migrationSteps are the parts of migrations that SQL cannot do as the
// store does, by script name without its number; each runs in the
// migration's transaction right after its script.
var migrationSteps = map[string]func(ctx context.Context, t *tx) error{
	"signing_key_name.sql": keyNameStep,
}

// keyNameStep fills signing_keys.name_lower as CreateKey writes it
// (lowerOrNull, Go's strings.ToLower: the database's lower() folds other
// letters, or none but ASCII, and a key renamed to its own name would then
// collide with one whose name differs only there). Of a name that several
// keys hold in any case, written before names were unique, the oldest key
// (insert_instant, then id) keeps it and every other one is renamed
// "<name> (<its id>)", which no key has since ids are unique ("<name>
// (<its id>) 2", 3… when one was given that name by hand), in its column
// and its document, so that the next migration can build the unique index.
// Nothing else of the key changes, lastUpdateInstant included: the key was
// not updated through the engine, and its kid and material are untouched,
// so it signs and verifies as before. A name longer than the Key API now
// takes (validation.MaxIndexedLength characters), too long for PostgreSQL
// to index, is cut to it first, a new name too (fitKeyName).
func keyNameStep(ctx context.Context, t *tx) error {
	type stored struct {
		id  string
		key authcore.SigningKey
	}
	rows, err := t.query(ctx, `SELECT id, doc FROM signing_keys ORDER BY insert_instant, id`)
	if err != nil {
		return err
	}
	var keys []stored
	for rows.Next() {
		var s stored
		var doc []byte
		if err := rows.Scan(&s.id, &doc); err != nil {
			rows.Close()
			return t.s.mapErr(ctx, err)
		}
		if err := decodeDoc(doc, &s.key); err != nil {
			rows.Close()
			return fmt.Errorf("sqlstore: decode key %q: %w", s.id, err)
		}
		keys = append(keys, s)
	}
	if err := rows.Close(); err != nil {
		return t.s.mapErr(ctx, err)
	}
	if err := rows.Err(); err != nil {
		return t.s.mapErr(ctx, err)
	}

	// Every name held now is taken (as fitKeyName cuts it), so that a new
	// name never takes the one a later key has and keeps.
	taken := map[string]bool{}
	for _, s := range keys {
		taken[strings.ToLower(fitKeyName(s.key.Name, ""))] = true
	}
	if t.s.dialect == Postgres {
		// As in 0008: the updates fire the configuration version's
		// deferred trigger, and a table with a pending trigger event
		// cannot get an index (the next migration's).
		if _, err := t.exec(ctx, `SET CONSTRAINTS signing_keys_config IMMEDIATE`); err != nil {
			return err
		}
	}
	kept := map[string]bool{}
	for _, s := range keys {
		name := fitKeyName(s.key.Name, "")
		if lname := strings.ToLower(name); s.key.Name == "" || !kept[lname] {
			kept[lname] = true
		} else {
			name = fitKeyName(s.key.Name, fmt.Sprintf(" (%s)", s.id))
			for n := 2; taken[strings.ToLower(name)]; n++ {
				name = fitKeyName(s.key.Name, fmt.Sprintf(" (%s) %d", s.id, n))
			}
			taken[strings.ToLower(name)] = true
		}
		if name == s.key.Name {
			if _, err := t.exec(ctx, `UPDATE signing_keys SET name_lower = ? WHERE id = ?`, lowerOrNull(name), s.id); err != nil {
				return err
			}
			continue
		}
		// Renamed, or cut to what the Key API takes: the document too.
		s.key.Name = name
		doc, err := encode("key", &s.key)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE signing_keys SET name_lower = ?, doc = ? WHERE id = ?`, lowerOrNull(name), doc, s.id); err != nil {
			return err
		}
	}
	if t.s.dialect == Postgres {
		if _, err := t.exec(ctx, `SET CONSTRAINTS signing_keys_config DEFERRED`); err != nil {
			return err
		}
	}
	return nil
}

// fitKeyName is name and suffix, the name cut so that the whole is at most
// validation.MaxIndexedLength characters, what the Key API takes: before
// names were unique it took any length, and PostgreSQL's btree refuses an
// index entry past about 2.7 kB, which failed the unique index's migration.
func fitKeyName(name, suffix string) string {
	return validation.FitIndexed("", name, suffix)
}
