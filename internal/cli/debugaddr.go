package cli

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"time"
)

// DebugAddrEnv names the environment variable that makes serve expose
// the Go profiler (net/http/pprof) on its own listener, for an operator
// or a benchmark run to see where the time goes. Off by default; only a
// loopback address is accepted, because profiles show memory contents
// (query text, names) and the listener has no authentication.
const DebugAddrEnv = "PARCOURS_DEBUG_ADDR"

// startDebug listens on PARCOURS_DEBUG_ADDR when it is set and returns
// the function that stops it.
func startDebug(ctx context.Context) (stop func(), err error) {
	addr := os.Getenv(DebugAddrEnv)
	if addr == "" {
		return func() {}, nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, &usageError{fmt.Sprintf("%s=%q: not host:port", DebugAddrEnv, addr)}
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, &usageError{fmt.Sprintf("%s=%q: the profiler listens on a loopback address only (127.0.0.1:6060)", DebugAddrEnv, addr)}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}, nil
}
