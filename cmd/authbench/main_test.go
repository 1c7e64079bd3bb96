package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A small run end to end: every login of every phase answered 200 on both
// servers, and the store holds exactly what the first logins wrote.
func TestLoadTestSmall(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"-c", "4", "-n", "24", "-d", "0", "-accounts", "30", "-rounds", "2", "-warmup", "8", "-json"}, &out, io.Discard)
	require.NoError(t, err)
	var rep report
	require.NoError(t, json.Unmarshal(out.Bytes(), &rep))
	require.Len(t, rep.Phases, 4)
	for _, p := range rep.Phases {
		assert.Equal(t, 24, p.Logins, "%s/%s", p.Phase, p.Server)
		assert.Zero(t, p.Errors, "%s/%s: %v", p.Phase, p.Server, p.ErrorsBy)
		assert.Positive(t, p.PerSecond)
		assert.LessOrEqual(t, p.P50ms, p.P99ms)
		assert.LessOrEqual(t, p.P99ms, p.MaxMs)
	}
	require.NotNil(t, rep.Store)
	assert.True(t, rep.Store.OK, "%+v", *rep.Store)
	assert.Equal(t, 25, rep.Store.Users, "24 first logins and the warm-up account")
	require.Len(t, rep.Ratios, 2)
}

// Access-token first logins and verifier repeat logins, the other way round.
func TestLoadTestKinds(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"-c", "2", "-n", "6", "-accounts", "6", "-first", "access", "-repeat", "verifier", "-floor=false", "-warmup", "2", "-json"}, &out, io.Discard)
	require.NoError(t, err)
	var rep report
	require.NoError(t, json.Unmarshal(out.Bytes(), &rep))
	require.Len(t, rep.Phases, 2)
	for _, p := range rep.Phases {
		assert.Equal(t, "authcore", p.Server)
		assert.Equal(t, 6, p.Logins)
		assert.Zero(t, p.Errors)
	}
	assert.Equal(t, "access", rep.Phases[0].Kind)
	assert.Equal(t, "verifier", rep.Phases[1].Kind)
	assert.Empty(t, rep.Ratios, "no floor, no ratio")
}

func TestMemorySmall(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-mem", "500", "-mem-records", "-json"}, &out, io.Discard))
	var rep memReport
	require.NoError(t, json.Unmarshal(out.Bytes(), &rep))
	assert.Equal(t, 500, rep.Users)
	assert.Positive(t, rep.BytesPerUser)
}

func TestParseRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"unbounded", []string{"-d", "0"}},
		{"no clients", []string{"-c", "0"}},
		{"bad kind", []string{"-first", "password"}},
		{"bad db", []string{"-db", "mysql://x"}},
		{"bad floor client", []string{"-floor-client", "curl"}},
		{"no rounds", []string{"-rounds", "0"}},
		{"negative mem", []string{"-mem", "-1"}},
		{"stray argument", []string{"extra"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse(tc.args, io.Discard)
			assert.Error(t, err)
		})
	}
}

// TestCommandLine runs main in a child process: -h is a request, answered
// with the usage and exit status 0, as a flag set with ExitOnError does; a
// flag the parser refused has been reported with the usage already, so it
// exits 2 without saying it again; a value parse refuses after that is an
// error of its own (status 1, one line).
func TestCommandLine(t *testing.T) {
	if args, ok := os.LookupEnv("AUTHBENCH_TEST_MAIN_ARGS"); ok {
		os.Args = append([]string{"authbench"}, strings.Fields(args)...)
		main()
		return
	}
	for _, tc := range []struct {
		args   string
		status int
		stderr []string // each exactly once
	}{
		{"-h", 0, []string{"Usage of authbench:"}},
		{"-nope", 2, []string{"flag provided but not defined: -nope", "Usage of authbench:"}},
		{"-c 0", 1, []string{"authbench: -c must be at least 1"}},
	} {
		t.Run(tc.args, func(t *testing.T) {
			// A bound, in case a broken parse lets the child run a load test.
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestCommandLine$")
			cmd.Env = append(os.Environ(), "AUTHBENCH_TEST_MAIN_ARGS="+tc.args)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			status := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				status = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			assert.Equal(t, tc.status, status, "exit status; stderr:\n%s", stderr.String())
			for _, want := range tc.stderr {
				assert.Equal(t, 1, strings.Count(stderr.String(), want), "%q in stderr:\n%s", want, stderr.String())
			}
			if tc.status != 1 {
				assert.NotContains(t, stderr.String(), "authbench: ", "the parser's report repeated as an error")
			}
		})
	}
}
