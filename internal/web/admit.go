package web

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"parcours/internal/i18n"
	"parcours/internal/parcours"
)

// Admission bounds the requests a server works on at once. Beyond the
// bound, requests wait their turn in arrival order; one that would wait
// longer than the bound's patience, or find the waiting line full, is
// answered 503 with Retry-After at once, and nothing is done for it.
//
// Without it, a burst above what the machine serves (two cores serve a
// few thousand simple reads a second) made every request start at once:
// hundreds of goroutines then shared the database pool in random order
// and the memory of their half-built answers, the collector ran most of
// the time, and the service answered a tenth of its capacity with
// latencies of seconds for everyone (issue 17). Kept to a bound, the
// service goes on answering at its capacity and the excess learns at
// once that it should come back.
type Admission struct {
	// MaxInFlight requests are worked on at once (DefaultMaxInFlight
	// when 0).
	MaxInFlight int
	// MaxWait is how long a request may wait for its turn (DefaultMaxWait
	// when 0).
	MaxWait time.Duration
	// MaxQueue requests may wait at once (8 × MaxInFlight when 0); the
	// next is refused without waiting.
	MaxQueue int
}

// The bound when none is given.
const (
	DefaultMaxInFlight = 64
	DefaultMaxWait     = 2 * time.Second
)

// admission is Admission at work: slots holds a token per request worked
// on, queue one per request waiting. Go wakes the senders blocked on a
// full channel in the order they came: the line is first come, first
// served.
type admission struct {
	slots   chan struct{}
	queue   chan struct{}
	maxWait time.Duration
	// refused counts the refusals not logged yet, lastLog is when the
	// last were (unix nanoseconds): refusals are logged once a second,
	// with their number, not a line each.
	refused, lastLog atomic.Int64
	// answers are the API's refusal bodies by language, written once.
	answers sync.Map
}

func newAdmission(a Admission) *admission {
	if a.MaxInFlight <= 0 {
		a.MaxInFlight = DefaultMaxInFlight
	}
	if a.MaxWait <= 0 {
		a.MaxWait = DefaultMaxWait
	}
	if a.MaxQueue <= 0 {
		a.MaxQueue = 8 * a.MaxInFlight
	}
	return &admission{slots: make(chan struct{}, a.MaxInFlight), queue: make(chan struct{}, a.MaxQueue), maxWait: a.MaxWait}
}

// unlimited are the routes that never wait: the probes and metrics an
// operator needs most when the service is loaded, and the static files,
// answered from memory.
var unlimited = map[string]bool{"GET /healthz": true, "GET /readyz": true, "GET /metrics": true, "GET /static/": true}

// enter waits for the request's turn. It returns the function that gives
// the place back (at most once, whoever calls it first: the handler
// through ReleaseSlot, or the end of the request), or false when the
// request is refused.
func (a *admission) enter(r *http.Request) (func(), bool) {
	select {
	case a.slots <- struct{}{}:
	default:
		select {
		case a.queue <- struct{}{}:
		default:
			return nil, false
		}
		t := time.NewTimer(a.maxWait)
		var ok bool
		select {
		case a.slots <- struct{}{}:
			ok = true
		case <-t.C:
		case <-r.Context().Done():
		}
		t.Stop()
		<-a.queue
		if !ok {
			return nil, false
		}
	}
	var once sync.Once
	return func() { once.Do(func() { <-a.slots }) }, true
}

// admit runs next in its turn (admission), or refuses the request.
func (s *Server) admit(route string, next http.Handler) http.Handler {
	if s.admission == nil || unlimited[route] {
		return next
	}
	retry := strconv.Itoa(max(1, int(s.admission.maxWait/time.Second)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		release, ok := s.admission.enter(r)
		if !ok {
			s.refuse(w, r, retry)
			return
		}
		defer release()
		infoFrom(r.Context()).release = release
		next.ServeHTTP(w, r)
	})
}

// ReleaseSlot gives the request's place among those worked on back
// before the request ends: for a long poll, which then waits for news
// without holding a place that others need (Admission). It does nothing
// for a request that holds none.
func ReleaseSlot(r *http.Request) {
	if f := infoFrom(r.Context()).release; f != nil {
		f()
	}
}

// refuse answers a request that gets no turn. The refusal must cost far
// less than an answer: refusals come by the thousand a second when they
// come, and each costs the machine that would serve the others. The API's
// body is written once per language; the request gets no log line of its
// own (the metrics count it), a line a second says how many were refused.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, retry string) {
	a := s.admission
	a.refused.Add(1)
	if now, last := time.Now().UnixNano(), a.lastLog.Load(); now-last >= int64(time.Second) && a.lastLog.CompareAndSwap(last, now) {
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "requests refused: too many at once",
			slog.Int64("refused", a.refused.Swap(0)), slog.Int("max_in_flight", cap(a.slots)), slog.Int("max_waiting", cap(a.queue)))
	}
	infoFrom(r.Context()).quiet = true
	w.Header().Set("Retry-After", retry)
	if !isAPI(r) {
		s.Fail(w, r, parcours.Errorf(parcours.EUnavailable, "error.busy"))
		return
	}
	l := Lang(r)
	body, ok := a.answers.Load(l)
	if !ok {
		b, _ := json.Marshal(apiError{Error: apiErrorBody{Code: parcours.EUnavailable, Message: i18n.T(l, "error.busy")}})
		body, _ = a.answers.LoadOrStore(l, append(b, '\n'))
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	w.Write(body.([]byte))
}
