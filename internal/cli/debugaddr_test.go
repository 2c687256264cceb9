package cli

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestStartDebug_LoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "192.0.2.1:6060", ":6060", "nonsense"} {
		t.Setenv(DebugAddrEnv, addr)
		stop, err := startDebug(context.Background())
		var u *usageError
		if !errors.As(err, &u) {
			if stop != nil {
				stop()
			}
			t.Fatalf("%s=%q: want a usage error, got %v", DebugAddrEnv, addr, err)
		}
		if !strings.Contains(u.msg, DebugAddrEnv) {
			t.Errorf("%q: the message should name the variable: %q", addr, u.msg)
		}
	}
}

func TestStartDebug_ServesProfilerOnLoopback(t *testing.T) {
	// A free loopback port, released for startDebug to take.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	t.Setenv(DebugAddrEnv, addr)
	stop, err := startDebug(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + addr + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "goroutine profile") {
		t.Fatalf("profiler: %d %.200s", resp.StatusCode, body)
	}
	stop()
	if _, err := http.Get("http://" + addr + "/debug/pprof/"); err == nil {
		t.Fatal("the profiler still answers after stop")
	}
}

func TestStartDebug_OffByDefault(t *testing.T) {
	t.Setenv(DebugAddrEnv, "")
	stop, err := startDebug(context.Background())
	if err != nil || stop == nil {
		t.Fatalf("unset: want a no-op, got %v", err)
	}
	stop()
}
