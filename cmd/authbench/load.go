package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/authcore/authcore/idp/twitter"
)

// loginPath is the endpoint under test.
const loginPath = "/api/identity-provider/login"

// requestTimeout bounds one request of the load generator.
const requestTimeout = 30 * time.Second

// newLoadClient is the load generator's client: one transport shared by all
// workers, with an idle connection kept for each, so that the measurement is
// of the servers, not of dialling.
func newLoadClient(concurrency int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 2*concurrency + 16
	t.MaxIdleConnsPerHost = 2*concurrency + 16
	t.DisableCompression = true
	return &http.Client{Transport: t, Timeout: requestTimeout}
}

// workload is the request bodies of one phase on one server, built before
// its clock starts. A single-use body (it carries a request token) is sent
// once; a reusable one (an access token) may be sent again once all have
// been sent. next is the index of the next body to send, kept across rounds.
type workload struct {
	bodies [][]byte
	cycle  bool
	next   atomic.Int64
}

// left is how many bodies may still be sent.
func (w *workload) left() int {
	if w.cycle {
		return int(^uint(0) >> 1)
	}
	return max(0, len(w.bodies)-int(w.next.Load()))
}

// phaseResult is what one phase measured on one server.
type phaseResult struct {
	Phase  string `json:"phase"`  // "first" or "repeat"
	Server string `json:"server"` // "floor" or "authcore"
	Kind   string `json:"kind"`   // "verifier" or "access"

	Logins    int            `json:"logins"`
	Errors    int            `json:"errors"`
	ErrorsBy  map[string]int `json:"errorsByStatus,omitempty"`
	Seconds   float64        `json:"seconds"`
	PerSecond float64        `json:"loginsPerSecond"`
	P50ms     float64        `json:"p50Ms"`
	P95ms     float64        `json:"p95Ms"`
	P99ms     float64        `json:"p99Ms"`
	MaxMs     float64        `json:"maxMs"`
	AllocsPer float64        `json:"allocsPerLogin"`
	BytesPer  float64        `json:"allocBytesPerLogin"`
	GCs       uint32         `json:"gcCycles"`
	// CPUs is the process's CPU time over the phase's wall time: how many
	// cores were busy. At the machine's core count the run is CPU-bound.
	CPUs float64 `json:"cpusBusy"`
	// CPUPerLogin is the process's CPU time per login, in microseconds:
	// load generator, server and fake Twitter together. On a machine that
	// other work shares, it moves less than throughput does.
	CPUPerLogin float64 `json:"cpuMicrosPerLogin"`
	PeakRSSMiB  float64 `json:"peakRssMiB"`
	// Exhausted: the phase stopped because its single-use bodies ran out.
	Exhausted bool `json:"exhausted,omitempty"`

	dispatched          int
	latencies           []time.Duration
	statusCount         map[int]int
	wall, cpu           time.Duration
	mallocs, allocBytes uint64
}

// drive runs one round: it sends w's bodies to url from concurrency workers
// until limit requests have been started, the time until has come, or
// (single-use bodies) none are left, and adds what it measured to r. A
// request started before the deadline is waited for and counted, so that
// what the store holds afterwards matches what was counted. Allocation
// counts are for the whole process: load generator, server and fake Twitter
// alike, which is why every figure has a floor to compare with.
func drive(ctx context.Context, client *http.Client, url string, w *workload, concurrency, limit int, until time.Time, r *phaseResult) {
	limit = min(limit, w.left())
	if limit <= 0 {
		return
	}
	var started atomic.Int64
	type workerOut struct {
		lat    []time.Duration
		status map[int]int
	}
	outs := make([]workerOut, concurrency)
	per := 1024
	if limit < 1<<20 {
		per = limit/concurrency + 1
	}
	for i := range outs {
		outs[i] = workerOut{lat: make([]time.Duration, 0, per), status: map[int]int{}}
	}
	var wg sync.WaitGroup

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	cpu0 := cpuTime()
	start := time.Now()
	for i := range outs {
		wg.Add(1)
		go func(o *workerOut) {
			defer wg.Done()
			for ctx.Err() == nil && time.Now().Before(until) {
				if int(started.Add(1)) > limit {
					return
				}
				n := int(w.next.Add(1)) - 1
				if !w.cycle && n >= len(w.bodies) {
					return
				}
				t0 := time.Now()
				status := post(ctx, client, url, w.bodies[n%len(w.bodies)])
				o.lat = append(o.lat, time.Since(t0))
				o.status[status]++
			}
		}(&outs[i])
	}
	wg.Wait()
	wall := time.Since(start)
	cpu := cpuTime() - cpu0
	runtime.ReadMemStats(&after)

	r.wall += wall
	r.cpu += cpu
	r.mallocs += after.Mallocs - before.Mallocs
	r.allocBytes += after.TotalAlloc - before.TotalAlloc
	r.GCs += after.NumGC - before.NumGC
	if r.statusCount == nil {
		r.statusCount = map[int]int{}
	}
	for _, o := range outs {
		r.latencies = append(r.latencies, o.lat...)
		for s, n := range o.status {
			r.statusCount[s] += n
		}
	}
	if !w.cycle && w.left() == 0 {
		r.Exhausted = true
	}
}

// finish turns what the rounds added up into the reported figures.
func (r *phaseResult) finish() {
	r.Seconds = r.wall.Seconds()
	r.Logins = len(r.latencies)
	for s, n := range r.statusCount {
		if s != http.StatusOK {
			r.Errors += n
			if r.ErrorsBy == nil {
				r.ErrorsBy = map[string]int{}
			}
			r.ErrorsBy[statusName(s)] += n
		}
	}
	if r.Logins > 0 && r.wall > 0 {
		r.PerSecond = float64(r.Logins) / r.wall.Seconds()
		r.CPUs = r.cpu.Seconds() / r.wall.Seconds()
		r.CPUPerLogin = float64(r.cpu.Microseconds()) / float64(r.Logins)
		r.AllocsPer = float64(r.mallocs) / float64(r.Logins)
		r.BytesPer = float64(r.allocBytes) / float64(r.Logins)
		slices.Sort(r.latencies)
		r.P50ms = ms(quantile(r.latencies, 0.50))
		r.P95ms = ms(quantile(r.latencies, 0.95))
		r.P99ms = ms(quantile(r.latencies, 0.99))
		r.MaxMs = ms(r.latencies[len(r.latencies)-1])
	}
	r.PeakRSSMiB = float64(procStatusKB("VmHWM")) / 1024
	r.latencies = nil
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func statusName(s int) string {
	if s == 0 {
		return "transport"
	}
	return fmt.Sprint(s)
}

// post sends one login and returns its status, 0 for a transport failure.
// It is not cancelled by the phase's deadline, only by requestTimeout (and
// the run's ctx: an interrupt).
func post(ctx context.Context, client *http.Client, url string, body []byte) int {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0
	}
	// Read all of it: the answer is part of the work, and a drained body
	// lets the connection be reused.
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// loginBody is the JSON a client sends.
func (b *bench) loginBody(token, secret, verifier string) []byte {
	data := map[string]string{"oauth_token": token, "oauth_token_secret": secret}
	if verifier != "" {
		data["oauth_verifier"] = verifier
	}
	body, err := json.Marshal(map[string]any{
		"applicationId":      b.appID,
		"identityProviderId": twitter.ProviderID,
		"data":               data,
	})
	if err != nil {
		panic(err)
	}
	return body
}

// workloadFor builds the bodies of a phase over accounts. A verifier login
// needs a fresh request token each time: n of them, cycling over the
// accounts. An access-token login reuses one token per account; reuse
// says whether the phase may send an account's body more than once (a
// first-login phase may not).
func (b *bench) workloadFor(kind string, accounts []string, n int, reuse bool) *workload {
	if kind == kindAccess {
		w := &workload{cycle: reuse, bodies: make([][]byte, len(accounts))}
		for i, a := range accounts {
			tok, sec := b.tw.IssueAccessToken(consumerKey, a)
			w.bodies[i] = b.loginBody(tok, sec, "")
		}
		return w
	}
	w := &workload{bodies: make([][]byte, n)}
	for i := range w.bodies {
		tok, sec, ver := b.tw.IssueRequestToken(consumerKey, accounts[i%len(accounts)])
		w.bodies[i] = b.loginBody(tok, sec, ver)
	}
	return w
}
