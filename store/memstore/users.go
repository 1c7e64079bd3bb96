package memstore

import (
	"context"
	"fmt"
	"sort"

	"github.com/authcore/authcore/authcore"
)

// Memory per user is what limits an in-memory deployment (issue 9: a million
// users with a link and a registration each in under 1.5 GB), so a user is
// kept as one record that holds the user, its registrations and its links:
// one map entry per user instead of one in each of three maps, and no
// per-row copy of what the record already says (the user id, the tenant).
// The indexes (e-mail, username, links) point at the record.

// userRec is everything stored of one user. Its fields change in place
// (under the write lock, with an undo entry); regs and links are replaced,
// never changed in place, so an undo entry or a loop may keep an old slice
// and pointers into it.
type userRec struct {
	userFields
	regs  []storedReg
	links []storedLink
}

// userFields is authcore.User without Registrations (never stored), with the
// fields most users leave empty moved to cold: nil unless one is set.
type userFields struct {
	ID, TenantID, Email, Username, UsernameStatus string
	FullName, FirstName, LastName, ImageURL       string
	VerifiedInstant, InsertInstant                int64
	LastUpdateInstant, LastLoginInstant           int64
	cold                                          *userCold
	Active, Verified                              bool
}

type userCold struct {
	CleanSpeakID, MiddleName, MobilePhone, BirthDate, Timezone string
	Expiry                                                     int64
	Data                                                       map[string]any
	PreferredLanguages                                         []string
	TwoFactor                                                  *authcore.TwoFactor
	PasswordChangeRequired                                     bool
}

// packUser copies u in.
func packUser(u *authcore.User) userFields {
	f := userFields{
		ID: u.ID, TenantID: u.TenantID, Email: u.Email, Username: u.Username, UsernameStatus: u.UsernameStatus,
		FullName: u.FullName, FirstName: u.FirstName, LastName: u.LastName, ImageURL: u.ImageURL,
		VerifiedInstant: u.VerifiedInstant, InsertInstant: u.InsertInstant,
		LastUpdateInstant: u.LastUpdateInstant, LastLoginInstant: u.LastLoginInstant,
		Active: u.Active, Verified: u.Verified,
	}
	if u.CleanSpeakID != "" || u.MiddleName != "" || u.MobilePhone != "" || u.BirthDate != "" || u.Timezone != "" ||
		u.Expiry != 0 || u.Data != nil || u.PreferredLanguages != nil || u.TwoFactor != nil || u.PasswordChangeRequired {
		f.cold = &userCold{
			CleanSpeakID: u.CleanSpeakID, MiddleName: u.MiddleName, MobilePhone: u.MobilePhone, BirthDate: u.BirthDate,
			Timezone: u.Timezone, Expiry: u.Expiry, Data: cloneMap(u.Data), PreferredLanguages: cloneStrings(u.PreferredLanguages),
			TwoFactor: cloneTwoFactor(u.TwoFactor), PasswordChangeRequired: u.PasswordChangeRequired,
		}
	}
	return f
}

// user copies the user out.
func (f *userFields) user() *authcore.User {
	u := &authcore.User{
		ID: f.ID, TenantID: f.TenantID, Email: f.Email, Username: f.Username, UsernameStatus: f.UsernameStatus,
		FullName: f.FullName, FirstName: f.FirstName, LastName: f.LastName, ImageURL: f.ImageURL,
		VerifiedInstant: f.VerifiedInstant, InsertInstant: f.InsertInstant,
		LastUpdateInstant: f.LastUpdateInstant, LastLoginInstant: f.LastLoginInstant,
		Active: f.Active, Verified: f.Verified,
	}
	if c := f.cold; c != nil {
		u.CleanSpeakID, u.MiddleName, u.MobilePhone, u.BirthDate = c.CleanSpeakID, c.MiddleName, c.MobilePhone, c.BirthDate
		u.Timezone, u.Expiry, u.PasswordChangeRequired = c.Timezone, c.Expiry, c.PasswordChangeRequired
		u.Data = cloneMap(c.Data)
		u.PreferredLanguages = cloneStrings(c.PreferredLanguages)
		u.TwoFactor = cloneTwoFactor(c.TwoFactor)
	}
	return u
}

func cloneTwoFactor(tf *authcore.TwoFactor) *authcore.TwoFactor {
	if tf == nil {
		return nil
	}
	return &authcore.TwoFactor{Methods: append([]authcore.TwoFactorMethod(nil), tf.Methods...)}
}

// storedReg is a registration without its UserID (the record's).
type storedReg struct {
	ID, ApplicationID, Username, UsernameStatus string
	Roles                                       []string
	VerifiedInstant, InsertInstant              int64
	LastUpdateInstant, LastLoginInstant         int64
	cold                                        *regCold
	Verified                                    bool
}

type regCold struct {
	CleanSpeakID, Timezone string
	Data                   map[string]any
	PreferredLanguages     []string
}

func packReg(r *authcore.UserRegistration) storedReg {
	s := storedReg{
		ID: r.ID, ApplicationID: r.ApplicationID, Username: r.Username, UsernameStatus: r.UsernameStatus,
		Roles:           cloneStrings(r.Roles),
		VerifiedInstant: r.VerifiedInstant, InsertInstant: r.InsertInstant,
		LastUpdateInstant: r.LastUpdateInstant, LastLoginInstant: r.LastLoginInstant,
		Verified: r.Verified,
	}
	if r.CleanSpeakID != "" || r.Timezone != "" || r.Data != nil || r.PreferredLanguages != nil {
		s.cold = &regCold{CleanSpeakID: r.CleanSpeakID, Timezone: r.Timezone, Data: cloneMap(r.Data), PreferredLanguages: cloneStrings(r.PreferredLanguages)}
	}
	return s
}

func (s *storedReg) registration(userID string) *authcore.UserRegistration {
	r := &authcore.UserRegistration{
		ID: s.ID, ApplicationID: s.ApplicationID, UserID: userID, Username: s.Username, UsernameStatus: s.UsernameStatus,
		Roles:           cloneStrings(s.Roles),
		VerifiedInstant: s.VerifiedInstant, InsertInstant: s.InsertInstant,
		LastUpdateInstant: s.LastUpdateInstant, LastLoginInstant: s.LastLoginInstant,
		Verified: s.Verified,
	}
	if c := s.cold; c != nil {
		r.CleanSpeakID, r.Timezone = c.CleanSpeakID, c.Timezone
		r.Data = cloneMap(c.Data)
		r.PreferredLanguages = cloneStrings(c.PreferredLanguages)
	}
	return r
}

// storedLink is a link without what its record or its provider already
// says: UserID and TenantID are the record's (a link is in its user's
// tenant), and the provider's id, name and type are shared by the links that
// have the same three (linkMeta). Its data is a slice of pairs: a login's
// link holds one entry (the token secret), and a one-entry map costs ten
// times the bytes of a one-entry slice.
type storedLink struct {
	meta                                       *linkMeta
	DisplayName, IdentityProviderUserID, Token string
	data                                       []dataPair
	InsertInstant, LastLoginInstant            int64
}

type dataPair struct {
	key   string
	value any
}

// linkMeta is a provider's id, name and type as links store them, shared by
// every stored link with the same three. refs counts those links, so an
// entry no link uses is dropped (a renamed provider leaves nothing behind).
type linkMeta struct {
	key  linkMetaKey
	refs int
}

type linkMetaKey struct{ provider, name, typ string }

// linkKey names a link: tenant, provider, provider user id.
type linkKey struct{ tenant, provider, providerUser string }

// linkGroup is the link index's first level: the links of one provider in
// one tenant, by provider user id. A two-level index keeps one string per
// slot instead of three.
type linkGroup struct{ tenant, provider string }

func keyOf(l *authcore.IdentityProviderLink) linkKey {
	return linkKey{l.TenantID, l.IdentityProviderID, l.IdentityProviderUserID}
}

// packLink copies l in; prev is the link it replaces (nil for a new one),
// whose provider names are reused when they are the same.
func (d *data) packLink(l *authcore.IdentityProviderLink, prev *storedLink) storedLink {
	mk := linkMetaKey{l.IdentityProviderID, l.IdentityProviderName, l.IdentityProviderType}
	var meta *linkMeta
	if prev != nil && prev.meta.key == mk {
		meta = prev.meta
	} else if meta = d.linkMetas[mk]; meta == nil {
		meta = &linkMeta{key: mk} // registered when a link takes it (acquireMeta)
	}
	s := storedLink{
		meta: meta, DisplayName: l.DisplayName, IdentityProviderUserID: l.IdentityProviderUserID, Token: l.Token,
		InsertInstant: l.InsertInstant, LastLoginInstant: l.LastLoginInstant,
	}
	if l.Data != nil {
		s.data = make([]dataPair, 0, len(l.Data))
		for k, v := range l.Data {
			s.data = append(s.data, dataPair{k, cloneAny(v)})
		}
	}
	return s
}

// link copies the link of rec out. A nil Data stays nil and an empty one
// empty.
func (s *storedLink) link(rec *userRec) *authcore.IdentityProviderLink {
	l := &authcore.IdentityProviderLink{
		DisplayName:            s.DisplayName,
		IdentityProviderID:     s.meta.key.provider,
		IdentityProviderName:   s.meta.key.name,
		IdentityProviderType:   s.meta.key.typ,
		IdentityProviderUserID: s.IdentityProviderUserID,
		InsertInstant:          s.InsertInstant,
		LastLoginInstant:       s.LastLoginInstant,
		TenantID:               rec.TenantID,
		Token:                  s.Token,
		UserID:                 rec.ID,
	}
	if s.data != nil {
		l.Data = make(map[string]any, len(s.data))
		for _, p := range s.data {
			l.Data[p.key] = cloneAny(p.value)
		}
	}
	return l
}

func (d *data) acquireMeta(m *linkMeta) {
	m.refs++
	if _, ok := d.linkMetas[m.key]; !ok {
		d.linkMetas[m.key] = m
	}
}

func (d *data) releaseMeta(m *linkMeta) {
	m.refs--
	if m.refs == 0 && d.linkMetas[m.key] == m {
		delete(d.linkMetas, m.key)
	}
}

// ---- the record and its indexes

// index adds rec's e-mail and username to their indexes; unindex removes
// them.
func (d *data) index(rec *userRec) {
	if rec.Email != "" {
		putIndex(d.userEmail, rec.TenantID, lower(rec.Email), rec)
	}
	if rec.Username != "" {
		putIndex(d.userName, rec.TenantID, lower(rec.Username), rec)
	}
}

func (d *data) unindex(rec *userRec) {
	if rec.Email != "" {
		delIndex(d.userEmail, rec.TenantID, lower(rec.Email), rec)
	}
	if rec.Username != "" {
		delIndex(d.userName, rec.TenantID, lower(rec.Username), rec)
	}
}

// putIndex and delIndex keep a two-level index: a map per first key (a
// tenant, or a tenant's provider) holding one string per slot, which is
// smaller than one map keyed by both.
func putIndex[K comparable](idx map[K]map[string]*userRec, k K, v string, rec *userRec) {
	m := idx[k]
	if m == nil {
		m = map[string]*userRec{}
		idx[k] = m
	}
	m[v] = rec
}

func delIndex[K comparable](idx map[K]map[string]*userRec, k K, v string, rec *userRec) {
	m := idx[k]
	if m[v] != rec {
		return
	}
	delete(m, v)
	if len(m) == 0 {
		delete(idx, k)
	}
}

func (d *data) addUser(rec *userRec) {
	d.users[rec.ID] = rec
	d.index(rec)
	d.indexRegs(rec)
}

func (d *data) removeUser(rec *userRec) {
	d.unindex(rec)
	d.unindexRegs(rec)
	if d.users[rec.ID] == rec {
		delete(d.users, rec.ID)
	}
}

// indexRegs adds the ids of rec's registrations to d.regIDs; unindexRegs
// removes them.
func (d *data) indexRegs(rec *userRec) {
	for i := range rec.regs {
		d.regIDs[rec.regs[i].ID] = rec
	}
}

func (d *data) unindexRegs(rec *userRec) {
	for i := range rec.regs {
		d.unindexReg(rec.regs[i].ID, rec)
	}
}

func (d *data) unindexReg(id string, rec *userRec) {
	if d.regIDs[id] == rec {
		delete(d.regIDs, id)
	}
}

// putReg is rec.putReg keeping d.regIDs in step. Most updates (every
// login's) keep the registration's id, and leave the index as it is.
func (d *data) putReg(rec *userRec, appID string, r *storedReg) {
	cur := rec.reg(appID)
	if cur != nil && (r == nil || r.ID != cur.ID) {
		d.unindexReg(cur.ID, rec)
	}
	if r != nil && (cur == nil || r.ID != cur.ID) {
		d.regIDs[r.ID] = rec
	}
	rec.putReg(appID, r)
}

// setRegs replaces all of rec's registrations (an undo), keeping d.regIDs
// in step.
func (d *data) setRegs(rec *userRec, regs []storedReg) {
	d.unindexRegs(rec)
	rec.regs = regs
	d.indexRegs(rec)
}

func (d *data) setFields(rec *userRec, f *userFields) {
	if f.TenantID == rec.TenantID && f.Email == rec.Email && f.Username == rec.Username {
		// Every login rewrites its user with the same keys: the index
		// entries would be removed and put back as they are.
		rec.userFields = *f
		return
	}
	d.unindex(rec)
	rec.userFields = *f
	d.index(rec)
}

// reg returns rec's registration for appID, nil when there is none. The
// pointer is into rec.regs, which is never changed in place.
func (rec *userRec) reg(appID string) *storedReg {
	for i := range rec.regs {
		if rec.regs[i].ApplicationID == appID {
			return &rec.regs[i]
		}
	}
	return nil
}

// link returns rec's link to provider with providerUser, nil when there is
// none; as reg, a pointer into a slice that is never changed in place.
func (rec *userRec) link(provider, providerUser string) *storedLink {
	for i := range rec.links {
		if l := &rec.links[i]; l.IdentityProviderUserID == providerUser && l.meta.key.provider == provider {
			return l
		}
	}
	return nil
}

// putReg sets (r != nil) or removes rec's registration for appID, in a new
// slice.
func (rec *userRec) putReg(appID string, r *storedReg) {
	next := make([]storedReg, 0, len(rec.regs)+1)
	replaced := false
	for i := range rec.regs {
		switch {
		case rec.regs[i].ApplicationID != appID:
			next = append(next, rec.regs[i])
		case r != nil:
			next = append(next, *r)
			replaced = true
		}
	}
	if r != nil && !replaced {
		next = append(next, *r)
	}
	if len(next) == 0 {
		next = nil
	}
	rec.regs = next
}

// putLink sets (l != nil) or removes rec's link k, in a new slice, and keeps
// the link index and the provider names' counts in step.
func (d *data) putLink(rec *userRec, k linkKey, l *storedLink) {
	next := make([]storedLink, 0, len(rec.links)+1)
	replaced := false
	for i := range rec.links {
		cur := &rec.links[i]
		if cur.IdentityProviderUserID != k.providerUser || cur.meta.key.provider != k.provider {
			next = append(next, *cur)
			continue
		}
		d.releaseMeta(cur.meta)
		if l != nil {
			next = append(next, *l)
			replaced = true
		}
	}
	g := linkGroup{k.tenant, k.provider}
	if l != nil {
		d.acquireMeta(l.meta)
		if !replaced {
			next = append(next, *l)
		}
		putIndex(d.links, g, k.providerUser, rec)
	} else {
		delIndex(d.links, g, k.providerUser, rec)
	}
	if len(next) == 0 {
		next = nil
	}
	rec.links = next
}

// ---- undoable changes

func (t *txn) addUser(rec *userRec) {
	t.d.addUser(rec)
	t.onUndo(func() { t.d.removeUser(rec) })
}

func (t *txn) removeUser(rec *userRec) {
	t.d.removeUser(rec)
	t.onUndo(func() { t.d.addUser(rec) })
}

func (t *txn) setFields(rec *userRec, f *userFields) {
	old := rec.userFields
	t.d.setFields(rec, f)
	t.onUndo(func() { t.d.setFields(rec, &old) })
}

func (t *txn) setReg(rec *userRec, appID string, r *storedReg) {
	old := rec.regs
	t.d.putReg(rec, appID, r)
	t.onUndo(func() { t.d.setRegs(rec, old) })
}

func (t *txn) setLink(rec *userRec, k linkKey, l *storedLink) {
	old := rec.link(k.provider, k.providerUser)
	t.d.putLink(rec, k, l)
	t.onUndo(func() { t.d.putLink(rec, k, old) })
}

// ---- users

// checkUserUnique refuses an email or username that another user of the
// tenant already has.
func (t *txn) checkUserUnique(v *authcore.User) error {
	if v.Email != "" {
		if rec := t.d.userEmail[v.TenantID][lower(v.Email)]; rec != nil && rec.ID != v.ID {
			return authcore.Duplicate("email")
		}
	}
	if v.Username != "" {
		if rec := t.d.userName[v.TenantID][lower(v.Username)]; rec != nil && rec.ID != v.ID {
			return authcore.Duplicate("username")
		}
	}
	return nil
}

func (t *txn) CreateUser(_ context.Context, v *authcore.User) error {
	if err := authcore.CheckStorable("id", v.ID, "email", v.Email, "username", v.Username); err != nil {
		return err
	}
	if err := checkData("user", v.Data); err != nil {
		return err
	}
	if _, ok := t.d.users[v.ID]; ok {
		return authcore.Duplicate("id")
	}
	if _, ok := t.d.tenants[v.TenantID]; !ok {
		return notFound("tenant", v.TenantID)
	}
	if err := t.checkUserUnique(v); err != nil {
		return err
	}
	t.addUser(&userRec{userFields: packUser(v)})
	return nil
}

func (t *txn) GetUser(_ context.Context, id string) (*authcore.User, error) {
	rec, ok := t.d.users[id]
	if !ok {
		return nil, notFound("user", id)
	}
	return rec.user(), nil
}

func (t *txn) GetUserByEmail(_ context.Context, tenantID, email string) (*authcore.User, error) {
	rec := t.d.userEmail[tenantID][lower(email)]
	if rec == nil || email == "" {
		return nil, notFound("user with email", email)
	}
	return rec.user(), nil
}

func (t *txn) GetUserByUsername(_ context.Context, tenantID, username string) (*authcore.User, error) {
	rec := t.d.userName[tenantID][lower(username)]
	if rec == nil || username == "" {
		return nil, notFound("user with username", username)
	}
	return rec.user(), nil
}

func (t *txn) UpdateUser(_ context.Context, v *authcore.User) error {
	if err := authcore.CheckStorable("email", v.Email, "username", v.Username); err != nil {
		return err
	}
	if err := checkData("user", v.Data); err != nil {
		return err
	}
	rec, ok := t.d.users[v.ID]
	if !ok {
		return notFound("user", v.ID)
	}
	if rec.TenantID != v.TenantID {
		return fmt.Errorf("memstore: a user cannot change tenant: %w", authcore.ErrConflict)
	}
	if err := t.checkUserUnique(v); err != nil {
		return err
	}
	f := packUser(v)
	t.setFields(rec, &f)
	return nil
}

func (t *txn) DeleteUser(_ context.Context, id string) error {
	if err := t.deleteUser(id); err != nil {
		return err
	}
	t.dropLoginRecords(func(userID string) bool { return userID == id })
	t.dropModerationItems(func(m *authcore.ModerationItem) bool { return m.UserID == id })
	return nil
}

// deleteUser is DeleteUser but for the login records and moderation items,
// which DeleteTenant drops for all of its users in one pass.
func (t *txn) deleteUser(id string) error {
	rec, ok := t.d.users[id]
	if !ok {
		return notFound("user", id)
	}
	// The registrations go with the record; the links are also in the link
	// index. rec.links is replaced by each removal, never changed in place,
	// so the loop ranges over the slice as it was.
	for _, l := range rec.links {
		t.setLink(rec, linkKey{rec.TenantID, l.meta.key.provider, l.IdentityProviderUserID}, nil)
	}
	for rid, rt := range t.d.refresh {
		if rt.UserID == id {
			t.setRefresh(rid, nil)
		}
	}
	t.removeUser(rec)
	return nil
}

// ---- registrations

func (t *txn) CreateRegistration(_ context.Context, r *authcore.UserRegistration) error {
	if err := authcore.CheckStorable("id", r.ID); err != nil {
		return err
	}
	if err := checkData("registration", r.Data); err != nil {
		return err
	}
	rec, ok := t.d.users[r.UserID]
	if ok && rec.reg(r.ApplicationID) != nil {
		return authcore.Duplicate("registration")
	}
	// A taken id before a missing user or application, as the SQL stores
	// check their unique indexes before their foreign keys.
	if t.d.regIDs[r.ID] != nil {
		return authcore.Duplicate("registrationId")
	}
	if !ok {
		return notFound("user", r.UserID)
	}
	if _, ok := t.d.apps[r.ApplicationID]; !ok {
		return notFound("application", r.ApplicationID)
	}
	s := packReg(r)
	t.setReg(rec, r.ApplicationID, &s)
	return nil
}

// regOf returns the user's record and registration for appID (nil, nil when
// either is missing).
func (d *data) regOf(userID, appID string) (*userRec, *storedReg) {
	rec := d.users[userID]
	if rec == nil {
		return nil, nil
	}
	return rec, rec.reg(appID)
}

func (t *txn) GetRegistration(_ context.Context, userID, applicationID string) (*authcore.UserRegistration, error) {
	rec, r := t.d.regOf(userID, applicationID)
	if r == nil {
		return nil, notFound2("registration", userID, applicationID)
	}
	return r.registration(rec.ID), nil
}

func (t *txn) ListApplicationRegistrations(_ context.Context, applicationID string) ([]*authcore.UserRegistration, error) {
	out := []*authcore.UserRegistration{}
	for _, rec := range t.d.users {
		if r := rec.reg(applicationID); r != nil {
			out = append(out, r.registration(rec.ID))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UserID < out[j].UserID })
	return out, nil
}

func (t *txn) ListRegistrations(_ context.Context, userID string) ([]*authcore.UserRegistration, error) {
	rec := t.d.users[userID]
	if rec == nil {
		return []*authcore.UserRegistration{}, nil
	}
	out := make([]*authcore.UserRegistration, 0, len(rec.regs))
	for i := range rec.regs {
		out = append(out, rec.regs[i].registration(rec.ID))
	}
	if len(out) > 1 {
		sort.Slice(out, func(i, j int) bool {
			return lessByInstant(out[i].InsertInstant, out[j].InsertInstant, out[i].ID, out[j].ID)
		})
	}
	return out, nil
}

func (t *txn) UpdateRegistration(_ context.Context, r *authcore.UserRegistration) error {
	if err := authcore.CheckStorable("id", r.ID); err != nil {
		return err
	}
	if err := checkData("registration", r.Data); err != nil {
		return err
	}
	rec, cur := t.d.regOf(r.UserID, r.ApplicationID)
	if cur == nil {
		return notFound2("registration", r.UserID, r.ApplicationID)
	}
	if r.ID != cur.ID && t.d.regIDs[r.ID] != nil {
		return authcore.Duplicate("registrationId")
	}
	s := packReg(r)
	t.setReg(rec, r.ApplicationID, &s)
	return nil
}

func (t *txn) DeleteRegistration(_ context.Context, userID, applicationID string) error {
	rec, cur := t.d.regOf(userID, applicationID)
	if cur == nil {
		return notFound2("registration", userID, applicationID)
	}
	t.setReg(rec, applicationID, nil)
	// All of the registration's items, not only the one its cleanSpeakId
	// names: one left by an earlier registration to the application is
	// its too.
	t.dropModerationItems(func(m *authcore.ModerationItem) bool {
		return m.UserID == userID && m.ApplicationID == applicationID
	})
	return nil
}

// ---- links

// linkOf returns the record and the link k names (nil, nil when there is
// none).
func (d *data) linkOf(k linkKey) (*userRec, *storedLink) {
	rec := d.links[linkGroup{k.tenant, k.provider}][k.providerUser]
	if rec == nil {
		return nil, nil
	}
	return rec, rec.link(k.provider, k.providerUser)
}

func (t *txn) CreateLink(_ context.Context, l *authcore.IdentityProviderLink) error {
	if err := authcore.CheckStorable("identityProviderUserId", l.IdentityProviderUserID); err != nil {
		return err
	}
	if err := checkData("link", l.Data); err != nil {
		return err
	}
	rec, ok := t.d.users[l.UserID]
	if !ok {
		return notFound("user", l.UserID)
	}
	if rec.TenantID != l.TenantID {
		return fmt.Errorf("memstore: link tenant %q is not the user's: %w", l.TenantID, authcore.ErrConflict)
	}
	if _, ok := t.d.idps[l.IdentityProviderID]; !ok {
		return notFound("identity provider", l.IdentityProviderID)
	}
	k := keyOf(l)
	if _, cur := t.d.linkOf(k); cur != nil {
		return authcore.Duplicate("link")
	}
	s := t.d.packLink(l, nil)
	t.setLink(rec, k, &s)
	return nil
}

func (t *txn) GetLink(_ context.Context, tenantID, providerID, providerUserID string) (*authcore.IdentityProviderLink, error) {
	rec, l := t.d.linkOf(linkKey{tenantID, providerID, providerUserID})
	if l == nil {
		return nil, notFound("link", providerUserID)
	}
	return l.link(rec), nil
}

func (t *txn) ListLinks(_ context.Context, userID, providerID string) ([]*authcore.IdentityProviderLink, error) {
	out := []*authcore.IdentityProviderLink{}
	rec := t.d.users[userID]
	if rec == nil {
		return out, nil
	}
	for i := range rec.links {
		if l := &rec.links[i]; providerID == "" || l.meta.key.provider == providerID {
			out = append(out, l.link(rec))
		}
	}
	if len(out) > 1 {
		// The provider breaks the last tie, as in sqlstore: the order of
		// rec.links is not kept (an undone removal appends), so the sort
		// must not leave it visible.
		sort.Slice(out, func(i, j int) bool {
			a, b := out[i], out[j]
			if a.InsertInstant != b.InsertInstant || a.IdentityProviderUserID != b.IdentityProviderUserID {
				return lessByInstant(a.InsertInstant, b.InsertInstant, a.IdentityProviderUserID, b.IdentityProviderUserID)
			}
			return a.IdentityProviderID < b.IdentityProviderID
		})
	}
	return out, nil
}

func (t *txn) UpdateLink(_ context.Context, l *authcore.IdentityProviderLink) error {
	if err := checkData("link", l.Data); err != nil {
		return err
	}
	k := keyOf(l)
	rec, cur := t.d.linkOf(k)
	if cur == nil {
		return notFound("link", l.IdentityProviderUserID)
	}
	if rec.ID != l.UserID {
		return fmt.Errorf("memstore: a link cannot move to another user: %w", authcore.ErrConflict)
	}
	s := t.d.packLink(l, cur)
	t.setLink(rec, k, &s)
	return nil
}

func (t *txn) DeleteLink(_ context.Context, tenantID, providerID, providerUserID string) error {
	k := linkKey{tenantID, providerID, providerUserID}
	rec, cur := t.d.linkOf(k)
	if cur == nil {
		return notFound("link", providerUserID)
	}
	t.setLink(rec, k, nil)
	return nil
}

func (t *txn) DeleteProviderLinks(_ context.Context, providerID string) error {
	type entry struct {
		k   linkKey
		rec *userRec
	}
	var doomed []entry
	for g, m := range t.d.links {
		if g.provider == providerID {
			for puid, rec := range m {
				doomed = append(doomed, entry{linkKey{g.tenant, g.provider, puid}, rec})
			}
		}
	}
	for _, e := range doomed {
		t.setLink(e.rec, e.k, nil)
	}
	for id, p := range t.d.pending {
		if p.IdentityProviderID == providerID {
			t.setPending(id, nil)
		}
	}
	return nil
}
