package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/authcore/authcore/store/sqlstore"
)

// report is what a load test prints.
type report struct {
	Machine machine       `json:"machine"`
	Config  reportConfig  `json:"config"`
	Phases  []phaseResult `json:"phases"`
	Ratios  []ratio       `json:"ratios,omitempty"`
	Store   *storeCheck   `json:"storeCheck,omitempty"`
	Targets []target      `json:"targets,omitempty"`
	Notes   []string      `json:"notes,omitempty"`
}

type reportConfig struct {
	DB          string `json:"db"`
	Concurrency int    `json:"concurrency"`
	Duration    string `json:"maxDurationPerPhase"`
	Count       int    `json:"maxLoginsPerPhase"`
	Accounts    int    `json:"accounts"`
	First       string `json:"first"`
	Repeat      string `json:"repeat"`
	Refresh     bool   `json:"refreshTokens"`
	FloorClient string `json:"floorClient"`
	Rounds      int    `json:"rounds"`
}

// ratio compares authcore with the floor for one phase: throughput as
// authcore/floor (1 is as fast as the floor), latencies as authcore/floor
// (1 is as quick).
type ratio struct {
	Phase      string  `json:"phase"`
	Throughput float64 `json:"throughput"`
	P50        float64 `json:"p50"`
	P99        float64 `json:"p99"`
	// CPU is the floor's CPU time per login over authcore's: the throughput
	// ratio a CPU-bound machine would show, measured so that other work on
	// the machine weighs less.
	CPU float64 `json:"cpu"`
	// ExtraAllocs is authcore's allocations per login above the floor's.
	ExtraAllocs float64 `json:"extraAllocsPerLogin"`
}

// storeCheck compares what the store holds with what the logins should have
// written: a benchmark whose logins "succeeded" without writing proves
// nothing.
type storeCheck struct {
	WantUsers, Users                 int
	WantLinks, Links                 int
	WantRegistrations, Registrations int
	OK                               bool
}

type target struct {
	What string `json:"what"`
	Met  bool   `json:"met"`
}

func loadTest(ctx context.Context, cfg config, stderr io.Writer) (*report, error) {
	b, err := newBench(ctx, cfg, stderr)
	if err != nil {
		return nil, err
	}
	defer b.close()
	client := newLoadClient(cfg.concurrency)
	defer client.CloseIdleConnections()

	rep := &report{Machine: describeMachine(), Config: reportConfig{
		DB: sqlstore.RedactDSN(cfg.db), Concurrency: cfg.concurrency, Duration: cfg.duration.String(), Count: cfg.count,
		Accounts: cfg.accounts, First: cfg.first, Repeat: cfg.repeat, Refresh: cfg.refresh,
		FloorClient: cfg.floorClient, Rounds: cfg.rounds,
	}}
	servers := []server{{"floor", b.floorURL + loginPath}, {"authcore", b.authcoreURL + loginPath}}
	if !cfg.floor {
		servers = servers[1:]
	}
	for _, s := range servers {
		if err := b.warmUp(ctx, client, s.url); err != nil {
			return nil, fmt.Errorf("warm-up of %s: %w", s.name, err)
		}
	}
	fmt.Fprintf(stderr, "authbench: %d accounts, c=%d, db=%s\n", cfg.accounts, cfg.concurrency, sqlstore.RedactDSN(cfg.db))

	stopProfile, err := startCPUProfile(cfg.cpuProfile)
	if err != nil {
		return nil, err
	}
	defer stopProfile()

	accounts := b.accounts[1:]
	first := b.runPhase(ctx, client, "first", cfg.first, servers, func() *workload {
		return b.workloadFor(cfg.first, accounts, len(accounts), false)
	})
	var firstDone int
	for _, r := range first {
		rep.add(r, stderr)
		if r.Server == "authcore" {
			firstDone = r.dispatched
		}
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	logged := accounts[:firstDone]
	if len(logged) == 0 {
		rep.Notes = append(rep.Notes, "no first login completed: repeat phase skipped")
	} else {
		n := cfg.count
		if n == 0 {
			n = len(logged)
		}
		repeat := b.runPhase(ctx, client, "repeat", cfg.repeat, servers, func() *workload {
			return b.workloadFor(cfg.repeat, logged, n, true)
		})
		for _, r := range repeat {
			rep.add(r, stderr)
		}
	}
	stopProfile()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}

	if b.mem != nil {
		// The warm-up account, plus one user for every first login that got
		// a 200.
		want := 1
		for _, r := range rep.Phases {
			if r.Phase == "first" && r.Server == "authcore" {
				want += r.statusCount[http.StatusOK]
			}
		}
		st := b.mem.Stats()
		rep.Store = &storeCheck{
			WantUsers: want, Users: st.Users, WantLinks: want, Links: st.Links,
			WantRegistrations: want, Registrations: st.Registrations,
		}
		rep.Store.OK = st.Users == want && st.Links == want && st.Registrations == want
	}
	rep.finish(cfg)
	return rep, nil
}

type server struct{ name, url string }

// runPhase measures one phase on every server in cfg.rounds interleaved
// rounds (floor, authcore, authcore, floor, …), so that a machine that gets
// slower or faster during the run (other work, thermal limits) weighs on
// both alike. Each server gets its own workload from build, made before any
// clock starts.
func (b *bench) runPhase(ctx context.Context, client *http.Client, phase, kind string, servers []server, build func() *workload) []phaseResult {
	cfg := b.cfg
	work := make([]*workload, len(servers))
	results := make([]phaseResult, len(servers))
	for i, s := range servers {
		work[i] = build()
		results[i] = phaseResult{Phase: phase, Server: s.name, Kind: kind}
	}
	for round := 0; round < cfg.rounds && ctx.Err() == nil; round++ {
		order := make([]int, len(servers))
		for i := range order {
			order[i] = i
			if round%2 == 1 {
				order[i] = len(servers) - 1 - i
			}
		}
		for _, i := range order {
			limit := int(^uint(0) >> 1)
			if cfg.count > 0 {
				// What is left of -n, spread over the remaining rounds.
				done := len(results[i].latencies)
				limit = (cfg.count - done + (cfg.rounds - round - 1)) / (cfg.rounds - round)
			}
			until := time.Now().Add(100 * 365 * 24 * time.Hour)
			if cfg.duration > 0 {
				until = time.Now().Add(cfg.duration / time.Duration(cfg.rounds))
			}
			drive(ctx, client, servers[i].url, work[i], cfg.concurrency, limit, until, &results[i])
		}
	}
	for i := range results {
		results[i].dispatched = min(int(work[i].next.Load()), len(work[i].bodies))
		results[i].finish()
	}
	return results
}

// warmUp logs the warm-up account in, once alone (authcore creates the user
// and the tenant's signing key) and then cfg.warmup times at full
// concurrency, so that every connection pool is filled before the clock
// starts. Any failure here is a broken setup, not a measurement.
func (b *bench) warmUp(ctx context.Context, client *http.Client, url string) error {
	tok, sec := b.tw.IssueAccessToken(consumerKey, b.accounts[0])
	body := b.loginBody(tok, sec, "")
	if st := post(ctx, client, url, body); st != http.StatusOK {
		return fmt.Errorf("status %s", statusName(st))
	}
	var mu sync.Mutex
	var failed []int
	var wg sync.WaitGroup
	per := (b.cfg.warmup + b.cfg.concurrency - 1) / b.cfg.concurrency
	for range b.cfg.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range per {
				if st := post(ctx, client, url, body); st != http.StatusOK {
					mu.Lock()
					failed = append(failed, st)
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	if len(failed) > 0 {
		return fmt.Errorf("%d requests failed, e.g. status %s", len(failed), statusName(failed[0]))
	}
	return ctx.Err()
}

func (rep *report) add(r phaseResult, stderr io.Writer) {
	rep.Phases = append(rep.Phases, r)
	fmt.Fprintf(stderr, "authbench: %-6s %-8s %7d logins in %5.1fs, %d errors\n", r.Phase, r.Server, r.Logins, r.Seconds, r.Errors)
}

func (rep *report) find(phase, server string) *phaseResult {
	for i := range rep.Phases {
		if rep.Phases[i].Phase == phase && rep.Phases[i].Server == server {
			return &rep.Phases[i]
		}
	}
	return nil
}

// finish computes the ratios and checks the issue's targets.
func (rep *report) finish(cfg config) {
	errs := 0
	for _, r := range rep.Phases {
		errs += r.Errors
		if r.Exhausted && (cfg.count == 0 || r.Logins < cfg.count) {
			rep.Notes = append(rep.Notes, fmt.Sprintf("%s/%s ran out of pre-issued logins before -d: raise -accounts (or -n) for a longer phase", r.Phase, r.Server))
		}
	}
	need := 0.8
	storeName := "memstore"
	switch {
	case strings.HasPrefix(cfg.db, "sqlite:"):
		need, storeName = 0.5, "SQLite"
	case strings.HasPrefix(cfg.db, "postgres"):
		need, storeName = 0, "PostgreSQL"
	}
	for _, phase := range []string{"first", "repeat"} {
		a, f := rep.find(phase, "authcore"), rep.find(phase, "floor")
		if a == nil || f == nil || f.PerSecond == 0 || f.P50ms == 0 || f.P99ms == 0 {
			continue
		}
		rt := ratio{Phase: phase, Throughput: a.PerSecond / f.PerSecond, P50: a.P50ms / f.P50ms, P99: a.P99ms / f.P99ms,
			ExtraAllocs: a.AllocsPer - f.AllocsPer}
		if a.CPUPerLogin > 0 {
			rt.CPU = f.CPUPerLogin / a.CPUPerLogin
		}
		rep.Ratios = append(rep.Ratios, rt)
		if need > 0 {
			rep.Targets = append(rep.Targets, target{
				What: fmt.Sprintf("%s logins on %s at >= %.1f x floor throughput (%.3f; CPU cost ratio %.3f)", phase, storeName, need, rt.Throughput, rt.CPU),
				Met:  rt.Throughput >= need,
			})
		}
	}
	if storeName == "memstore" && cfg.concurrency == 32 {
		for _, phase := range []string{"first", "repeat"} {
			if a := rep.find(phase, "authcore"); a != nil {
				rep.Targets = append(rep.Targets, target{
					What: fmt.Sprintf("%s logins p99 < 20 ms at c=32 on memstore (%.1f ms)", phase, a.P99ms),
					Met:  a.P99ms < 20,
				})
			}
		}
	}
	rep.Targets = append(rep.Targets, target{What: fmt.Sprintf("zero errors (%d)", errs), Met: errs == 0})
	if rep.Store != nil {
		rep.Targets = append(rep.Targets, target{What: "the store holds one user, link and registration per successful first login", Met: rep.Store.OK})
	}
}
