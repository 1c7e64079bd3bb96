package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
)

type machine struct {
	CPUs       int    `json:"cpus"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	CPUModel   string `json:"cpuModel,omitempty"`
	Go         string `json:"go"`
	OS         string `json:"os"`
}

func describeMachine() machine {
	return machine{
		CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), CPUModel: cpuModel(),
		Go: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH,
	}
}

func (m machine) String() string {
	model := m.CPUModel
	if model == "" {
		model = "unknown CPU"
	}
	return fmt.Sprintf("%d CPUs (GOMAXPROCS %d), %s, %s %s", m.CPUs, m.GOMAXPROCS, model, m.Go, m.OS)
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// procStatusKB reads a "kB" field of /proc/self/status (VmHWM, VmRSS); 0
// where there is no /proc.
func procStatusKB(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != field {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return 0
		}
		return n
	}
	return 0
}

func (rep *report) print(w io.Writer, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	c := rep.Config
	limit := "-d " + c.Duration
	if c.Count > 0 {
		limit += fmt.Sprintf(", -n %d", c.Count)
	}
	fmt.Fprintf(w, "authbench: POST %s, db=%s, c=%d, %s per phase in %d rounds, %d accounts, refresh tokens %t, floor client %s\n",
		loginPath, c.DB, c.Concurrency, limit, c.Rounds, c.Accounts, c.Refresh, c.FloorClient)
	fmt.Fprintf(w, "machine:   %s\n\n", rep.Machine)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\tserver\tkind\tlogins\terrors\tlogins/s\tp50 ms\tp95 ms\tp99 ms\tmax ms\tallocs/login\tKiB/login\tpeak RSS MiB\tCPUs busy\tCPU µs/login\t")
	for _, r := range rep.Phases {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%.0f\t%.1f\t%.0f\t%.2f\t%.0f\t\n",
			r.Phase, r.Server, r.Kind, r.Logins, errorText(r), r.PerSecond, r.P50ms, r.P95ms, r.P99ms, r.MaxMs,
			r.AllocsPer, r.BytesPer/1024, r.PeakRSSMiB, r.CPUs, r.CPUPerLogin)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rep.Ratios) > 0 {
		fmt.Fprintln(w, "\nauthcore vs floor (throughput and CPU cost: authcore/floor and floor/authcore, higher is better, 1 = the floor;")
		fmt.Fprintln(w, "latency: authcore/floor, lower is better)")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "phase\tthroughput\tCPU cost\tp50\tp99\textra allocs/login\t")
		for _, r := range rep.Ratios {
			fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.0f\t\n", r.Phase, r.Throughput, r.CPU, r.P50, r.P99, r.ExtraAllocs)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if s := rep.Store; s != nil {
		fmt.Fprintf(w, "\nstore: %d users (want %d), %d links (want %d), %d registrations (want %d)\n",
			s.Users, s.WantUsers, s.Links, s.WantLinks, s.Registrations, s.WantRegistrations)
	}
	if len(rep.Targets) > 0 {
		fmt.Fprintln(w, "\ntargets:")
		for _, t := range rep.Targets {
			mark := "met    "
			if !t.Met {
				mark = "NOT MET"
			}
			fmt.Fprintf(w, "  %s  %s\n", mark, t.What)
		}
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	return nil
}

func errorText(r phaseResult) string {
	if r.Errors == 0 {
		return "0"
	}
	parts := make([]string, 0, len(r.ErrorsBy))
	for s, n := range r.ErrorsBy {
		parts = append(parts, fmt.Sprintf("%d×%s", n, s))
	}
	return fmt.Sprintf("%d (%s)", r.Errors, strings.Join(parts, ","))
}
