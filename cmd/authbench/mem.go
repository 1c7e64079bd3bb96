package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/idp/twitter"
	"github.com/authcore/authcore/store/memstore"
)

// memReport is what -mem prints.
type memReport struct {
	Machine       machine `json:"machine"`
	Users         int     `json:"users"`
	WithRecords   bool    `json:"withLoginRecordsAndRefreshTokens"`
	LiveHeapMiB   float64 `json:"liveHeapMiB"`
	BytesPerUser  float64 `json:"liveHeapBytesPerUser"`
	RSSMiB        float64 `json:"rssMiB"`
	PeakRSSMiB    float64 `json:"peakRssMiB"`
	FillSeconds   float64 `json:"fillSeconds"`
	TargetMiB     float64 `json:"targetMiB"`
	TargetMet     bool    `json:"targetMet"`
	TargetMetPeak bool    `json:"targetMetByPeakRss"`
}

// memBatch is how many users one transaction inserts: big enough that the
// lock is not the cost, small enough that the undo log stays small.
const memBatch = 1000

// measureMemory fills a memstore with n users shaped as a first Twitter login
// leaves them (authcore/login.go: user, link with the token secret in its
// data, registration with the default role and the screen name) and measures
// the live heap they hold.
func measureMemory(ctx context.Context, n int, records bool, heapProfile string, stderr io.Writer) (*memReport, error) {
	// With records, every login record is kept (no cap), so that the figure
	// is the cost of one more record per user, not of the store's default
	// history of the most recent ones.
	var opts []memstore.Option
	if records {
		opts = append(opts, memstore.WithLoginRecordLimit(-1))
	}
	mem := memstore.New(opts...)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	engine, err := authcore.New(ctx, mem, authcore.WithLogger(quiet))
	if err != nil {
		return nil, err
	}
	app, err := engine.CreateApplication(ctx, "", authcore.ApplicationRequest{Application: authcore.ApplicationInput{
		Name: "authbench", Roles: []authcore.ApplicationRole{{Name: "user", IsDefault: true}},
	}})
	if err != nil {
		return nil, err
	}
	// The links name the Twitter provider, which must exist.
	if _, err := engine.CreateIdentityProvider(ctx, "", twitter.Provider{
		Type: twitter.TypeName, ButtonText: "Login with Twitter", ConsumerKey: "authbench", ConsumerSecret: "authbench",
		ApplicationConfiguration: map[string]twitter.ApplicationConfiguration{app.ID: {Enabled: true}},
	}); err != nil {
		return nil, err
	}
	tenantID := app.TenantID
	roles := authcore.DefaultRoles(app)

	base := heapAlloc()
	start := time.Now()
	now := time.Now().UnixMilli()
	for done := 0; done < n; {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		batch := min(memBatch, n-done)
		err := mem.InTx(ctx, func(ctx context.Context, tx authcore.Store) error {
			for i := done; i < done+batch; i++ {
				if err := insertLoginShapedUser(ctx, tx, i, tenantID, app.ID, roles, now, records); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		done += batch
		if done%(100*memBatch) == 0 {
			fmt.Fprintf(stderr, "authbench: %d users\n", done)
		}
	}
	fill := time.Since(start)
	live := heapAlloc() - base
	st := mem.Stats()
	if st.Users != n || st.Links != n || st.Registrations != n {
		return nil, fmt.Errorf("store holds %d users, %d links, %d registrations; want %d of each", st.Users, st.Links, st.Registrations, n)
	}
	rep := &memReport{
		Machine: describeMachine(), Users: n, WithRecords: records,
		LiveHeapMiB: float64(live) / (1 << 20), BytesPerUser: float64(live) / float64(n),
		RSSMiB: float64(procStatusKB("VmRSS")) / 1024, PeakRSSMiB: float64(procStatusKB("VmHWM")) / 1024,
		FillSeconds: fill.Seconds(),
	}
	// The target is 1.5 GB for a million users; scaled for other n.
	rep.TargetMiB = 1.5e9 / (1 << 20) * float64(n) / 1e6
	rep.TargetMet = rep.LiveHeapMiB < rep.TargetMiB
	rep.TargetMetPeak = rep.PeakRSSMiB < rep.TargetMiB
	if heapProfile != "" {
		// Written while the store is alive, so that in-use space is its.
		writeProfile("heap", heapProfile, stderr)
	}
	runtime.KeepAlive(mem)
	return rep, nil
}

// heapAlloc is the live heap after a full collection.
func heapAlloc() uint64 {
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func insertLoginShapedUser(ctx context.Context, tx authcore.Store, i int, tenantID, appID string, roles []string, now int64, records bool) error {
	twitterID := strconv.Itoa(1_000_000_000_000_000_000 + i) // 19 digits, as Twitter's ids are now
	screen := "user" + strconv.Itoa(i)
	email := screen + "@example.com"
	u := &authcore.User{
		ID: uuid.NewString(), TenantID: tenantID, Active: true,
		Email: email, Verified: true, VerifiedInstant: now,
		FullName:      "User " + strconv.Itoa(i),
		ImageURL:      "https://pbs.twimg.com/profile_images/" + twitterID + "/avatar_normal.jpg",
		InsertInstant: now, LastUpdateInstant: now, LastLoginInstant: now,
	}
	if err := tx.CreateUser(ctx, u); err != nil {
		return err
	}
	// Twitter's access tokens are "<user id>-<random>", 50 characters; the
	// secrets 45.
	link := &authcore.IdentityProviderLink{
		Data:                   map[string]any{"oauth_token_secret": randomHex(23)[:45]},
		DisplayName:            email,
		IdentityProviderID:     twitter.ProviderID,
		IdentityProviderName:   twitter.TypeName,
		IdentityProviderType:   twitter.TypeName,
		IdentityProviderUserID: twitterID,
		InsertInstant:          now, LastLoginInstant: now,
		TenantID: tenantID,
		Token:    twitterID + "-" + randomHex(15),
		UserID:   u.ID,
	}
	if err := tx.CreateLink(ctx, link); err != nil {
		return err
	}
	reg := &authcore.UserRegistration{
		ID: uuid.NewString(), ApplicationID: appID, UserID: u.ID,
		Roles: append([]string(nil), roles...), Username: screen, UsernameStatus: "ACTIVE",
		Verified: true, VerifiedInstant: now,
		InsertInstant: now, LastUpdateInstant: now, LastLoginInstant: now,
	}
	if err := tx.CreateRegistration(ctx, reg); err != nil {
		return err
	}
	if !records {
		return nil
	}
	if err := tx.CreateLoginRecord(ctx, &authcore.LoginRecord{
		ID: uuid.NewString(), UserID: u.ID, ApplicationID: appID, TenantID: tenantID,
		IPAddress: "127.0.0.1", Instant: now,
	}); err != nil {
		return err
	}
	hash := []byte(randomHex(16)) // 32 bytes, as a SHA-256
	return tx.CreateRefreshToken(ctx, &authcore.RefreshToken{
		ID: uuid.NewString(), TokenHash: hash, UserID: u.ID, ApplicationID: appID, TenantID: tenantID,
		StartInstant: now, InsertInstant: now, ExpirationInstant: now + 30*24*3600*1000,
	})
}

func (r *memReport) print(w io.Writer, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	what := "one link and one registration each"
	if r.WithRecords {
		what += ", plus one login record and one refresh token"
	}
	fmt.Fprintf(w, "authbench -mem: %d users in memstore, %s (filled in %.1fs)\n", r.Users, what, r.FillSeconds)
	fmt.Fprintf(w, "machine:   %s\n\n", r.Machine)
	fmt.Fprintf(w, "live heap   %8.0f MiB   %6.0f bytes per user\n", r.LiveHeapMiB, r.BytesPerUser)
	fmt.Fprintf(w, "RSS         %8.0f MiB\n", r.RSSMiB)
	fmt.Fprintf(w, "peak RSS    %8.0f MiB   (includes garbage of the fill, GOGC permitting)\n", r.PeakRSSMiB)
	mark := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT MET"
	}
	fmt.Fprintf(w, "\ntarget < %.0f MiB (1.5 GB per million users): live heap %s, peak RSS %s\n", r.TargetMiB, mark(r.TargetMet), mark(r.TargetMetPeak))
	return nil
}
