package outbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/outbox"
	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var system = parcours.SystemActor()

// clock is a settable clock for the database.
type clock struct{ at atomic.Int64 }

func newClock(e *apptest.Env) *clock {
	c := &clock{}
	c.at.Store(time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC).UnixMicro())
	e.App.DB.Now = func() time.Time { return time.UnixMicro(c.at.Load()).UTC() }
	return c
}

func (c *clock) advance(d time.Duration) { c.at.Add(d.Microseconds()) }

// configure saves org A's SMTP settings pointing at catcher addr.
func configure(t *testing.T, e *apptest.Env, addr, user, env string) {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	err := e.App.DB.Transact(t.Context(), func(tx *store.Tx) error {
		s, err := tx.MessagingSettings(t.Context(), e.OrgA.ID)
		if err != nil {
			return err
		}
		s.SMTPHost, s.SMTPPort, s.SMTPSecurity, s.SMTPFrom = host, p, parcours.SMTPNone, "ccas@villeurbanne.test"
		s.SMTPUsername, s.SMTPPasswordEnv = user, env
		s.SMSProvider, s.SMSSender = outbox.ProviderLog, "CCAS"
		return tx.SaveMessagingSettings(t.Context(), s)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func enqueue(t *testing.T, e *apptest.Env, m outbox.Message) bool {
	t.Helper()
	var fresh bool
	err := e.App.DB.Transact(t.Context(), func(tx *store.Tx) error {
		var err error
		fresh, err = outbox.Enqueue(t.Context(), tx, m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return fresh
}

func message(t *testing.T, e *apptest.Env, key string) *parcours.OutboxMessage {
	t.Helper()
	var m *parcours.OutboxMessage
	err := e.App.DB.View(t.Context(), func(tx *store.Tx) error {
		var err error
		m, err = tx.OutboxByKey(t.Context(), key)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func newSender(e *apptest.Env, env map[string]string) (*outbox.Service, *outbox.SMSRecorder) {
	s := outbox.New(e.App.DB, slog.New(slog.NewJSONHandler(&logSink{e}, nil)))
	rec := &outbox.SMSRecorder{}
	s.SMS[outbox.ProviderLog] = rec
	s.Getenv = func(k string) string { return env[k] }
	return s, rec
}

// logSink writes the sender's logs where apptest collects the server's,
// so that the no-personal-data checks see them.
type logSink struct{ e *apptest.Env }

func (l *logSink) Write(p []byte) (int, error) {
	l.e.App.Config.Log.Info("outbox-test", "line", string(p))
	return len(p), nil
}

func deliver(t *testing.T, s *outbox.Service) int {
	t.Helper()
	n, err := s.Deliver(t.Context(), system)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOutbox_SendsOnceByKeyWithPasswordFromEnvironment(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		newClock(e)
		c, err := outbox.NewCatcher("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.User, c.Password = "ccas", "s3cret-from-env"
		configure(t, e, c.Addr, "ccas", "PARCOURS_SMTP_CCAS")
		s, rec := newSender(e, map[string]string{"PARCOURS_SMTP_CCAS": "s3cret-from-env"})

		m := outbox.Message{OrgID: e.OrgA.ID, Key: "test:1", Channel: parcours.ChannelEmail, Kind: "test",
			To: "jeanne.martin@exemple.test", Subject: "Rappel de rendez-vous", Body: "Bonjour,\nVotre rendez-vous est demain à 10 h.\n— Le CCAS"}
		if !enqueue(t, e, m) {
			t.Fatal("first enqueue not new")
		}
		if enqueue(t, e, m) {
			t.Fatal("second enqueue with the same key queued again")
		}
		sms := outbox.Message{OrgID: e.OrgA.ID, Key: "test:2", Channel: parcours.ChannelSMS, Kind: "test", To: "06 12 34 56 78", Body: "RDV demain 10h"}
		enqueue(t, e, sms)
		if n := deliver(t, s); n != 2 {
			t.Fatalf("sent %d, want 2", n)
		}
		if n := deliver(t, s); n != 0 {
			t.Fatalf("second run sent %d, want 0", n)
		}
		got := c.Mail()
		if len(got) != 1 || got[0].To[0] != m.To || got[0].Subject != m.Subject || got[0].Body != m.Body {
			t.Fatalf("caught %+v", got)
		}
		if r := rec.Sent(); len(r) != 1 || r[0].To != "+33612345678" || r[0].Text != "RDV demain 10h" || r[0].From != "CCAS" {
			t.Fatalf("sms %+v", r)
		}
		if st := message(t, e, "test:1"); st.Status != parcours.OutboxSent || st.Attempts != 1 || st.SentAt.IsZero() {
			t.Fatalf("message %+v", st)
		}
		if logs := e.Logs(); strings.Contains(logs, "s3cret") || strings.Contains(logs, "jeanne.martin") {
			t.Fatal("logs carry the password or the recipient")
		}
	})
}

func TestOutbox_SMTPDownRetriesThenFailsWithTheErrorAndLosesNothing(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		clk := newClock(e)
		c, err := outbox.NewCatcher("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		configure(t, e, c.Addr, "", "")
		s, _ := newSender(e, nil)
		enqueue(t, e, outbox.Message{OrgID: e.OrgA.ID, Key: "k:1", Channel: parcours.ChannelEmail, Kind: "test", To: "a@exemple.test", Subject: "s", Body: "un", MaxAttempts: 3})
		if n := deliver(t, s); n != 1 {
			t.Fatalf("sent %d before the stop", n)
		}
		c.Close() // the server goes down
		enqueue(t, e, outbox.Message{OrgID: e.OrgA.ID, Key: "k:2", Channel: parcours.ChannelEmail, Kind: "test", To: "b@exemple.test", Subject: "s", Body: "deux", MaxAttempts: 3})

		deliver(t, s)
		m := message(t, e, "k:2")
		if m.Status != parcours.OutboxQueued || m.Attempts != 1 || !strings.Contains(m.LastError, "connect") {
			t.Fatalf("after one failure: %+v", m)
		}
		// Not due again before its backoff.
		deliver(t, s)
		if m2 := message(t, e, "k:2"); m2.Attempts != 1 {
			t.Fatalf("retried before the backoff: %+v", m2)
		}
		wait := m.NextAttemptAt.Sub(m.CreatedAt)
		clk.advance(wait)
		deliver(t, s)
		m = message(t, e, "k:2")
		if m.Status != parcours.OutboxQueued || m.Attempts != 2 || m.NextAttemptAt.Sub(e.App.DB.Now()) != 2*wait {
			t.Fatalf("second failure: %+v (backoff should double from %s)", m, wait)
		}
		clk.advance(time.Hour)
		deliver(t, s)
		m = message(t, e, "k:2")
		if m.Status != parcours.OutboxFailed || m.Attempts != 3 || m.LastError == "" {
			t.Fatalf("after the last attempt: %+v", m)
		}
		// Nothing lost: the server is back, an admin requeues it, it goes.
		c2, err := outbox.NewCatcher("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c2.Close()
		configure(t, e, c2.Addr, "", "")
		var ok bool
		_ = e.App.DB.Transact(t.Context(), func(tx *store.Tx) error {
			ok, err = tx.RequeueOutbox(t.Context(), e.OrgA.ID, m.ID)
			return err
		})
		if !ok {
			t.Fatal("requeue refused")
		}
		if n := deliver(t, s); n != 1 || len(c2.Mail()) != 1 || c2.Mail()[0].Body != "deux" {
			t.Fatalf("after requeue sent %d: %+v", n, c2.Mail())
		}
	})
}

func TestOutbox_CrashBetweenClaimAndMarkNeverSendsTwice(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		clk := newClock(e)
		c, err := outbox.NewCatcher("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		configure(t, e, c.Addr, "", "")
		enqueue(t, e, outbox.Message{OrgID: e.OrgA.ID, Key: "crash", Channel: parcours.ChannelEmail, Kind: "test", To: "a@exemple.test", Subject: "s", Body: "une fois"})

		// The first sender sends, then "dies" before writing the marker.
		dying, _ := newSender(e, nil)
		crash := errors.New("killed")
		outbox.SetAfterSend(dying, func(*parcours.OutboxMessage) error { return crash })
		if _, err := dying.Deliver(t.Context(), system); !errors.Is(err, crash) {
			t.Fatalf("deliver: %v", err)
		}
		if m := message(t, e, "crash"); m.Status != parcours.OutboxSending {
			t.Fatalf("after the crash: %+v", m)
		}
		// A new sender while the claim is live: leaves it alone.
		next, _ := newSender(e, nil)
		deliver(t, next)
		// Once the claim expired: uncertain, never resent by itself.
		clk.advance(dying.Lease + time.Second)
		deliver(t, next)
		clk.advance(time.Hour)
		deliver(t, next)
		m := message(t, e, "crash")
		if m.Status != parcours.OutboxUncertain || m.LastError == "" {
			t.Fatalf("expired claim: %+v", m)
		}
		if got := len(c.Mail()); got != 1 {
			t.Fatalf("sent %d times, want exactly once", got)
		}
	})
}

func TestOutbox_EnqueueRefusesBadMessages(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, store.SQLite)
	for _, m := range []outbox.Message{
		{OrgID: e.OrgA.ID, Key: "", Channel: "email", To: "a@b.test", Body: "x"},
		{OrgID: e.OrgA.ID, Key: "k", Channel: "fax", To: "a@b.test", Body: "x"},
		{OrgID: e.OrgA.ID, Key: "k", Channel: "email", To: "pas une adresse", Body: "x"},
		{OrgID: e.OrgA.ID, Key: "k", Channel: "sms", To: "04 78 00 00 00", Body: "x"},
		{OrgID: e.OrgA.ID, Key: "k", Channel: "sms", To: "06 12", Body: "x"},
	} {
		err := e.App.DB.Transact(t.Context(), func(tx *store.Tx) error {
			_, err := outbox.Enqueue(t.Context(), tx, m)
			return err
		})
		if err == nil {
			t.Errorf("%+v accepted", m)
		}
	}
}

func TestNormalizeMobile(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"06 12 34 56 78":    "+33612345678",
		"07.12.34.56.78":    "+33712345678",
		"+33 6 12 34 56 78": "+33612345678",
		"+33 (0)6 12345678": "+33612345678",
		"0033612345678":     "+33612345678",
		"0690 12 34 56":     "+590690123456",
		"0692123456":        "+262692123456",
		"+262 693 12 34 56": "+262693123456",
		"+44 7700 900123":   "+447700900123",
		"04 78 12 34 56":    "",
		"09 12 34 56 78":    "",
		"+33 1 23 45 67 89": "",
		"+262 262 12 34 56": "",
		"06 12 34":          "",
		"06-12-34-56-78 a":  "",
		"":                  "",
	} {
		got, ok := outbox.NormalizeMobile(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizeMobile(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestBrevoSMS_PostsTheDocumentedRequest(t *testing.T) {
	t.Parallel()
	var got map[string]string
	var key string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != "POST" || r.URL.Path != "/v3/transactionalSMS/sms" {
			http.NotFound(w, r)
			return
		}
		key = r.Header.Get("api-key")
		_ = json.NewDecoder(r.Body).Decode(&got)
		if got["recipient"] == "33700000000" {
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"code":"invalid_parameter","message":"Invalid phone number 33700000000"}`))
			return
		}
		w.WriteHeader(201)
		_, _ = w.Write([]byte(`{"reference":"ab1","messageId":1}`))
	}))
	defer srv.Close()
	b := &outbox.BrevoSMS{BaseURL: srv.URL}
	set := &parcours.MessagingSettings{SMSSender: "CCAS"}
	if err := b.SendSMS(context.Background(), set, "k3y", "+33612345678", "RDV demain"); err != nil {
		t.Fatal(err)
	}
	if key != "k3y" || got["sender"] != "CCAS" || got["recipient"] != "33612345678" || got["content"] != "RDV demain" || got["type"] != "transactional" {
		t.Fatalf("request %v key %q", got, key)
	}
	err := b.SendSMS(context.Background(), set, "k3y", "+33700000000", "x")
	if err == nil || !strings.Contains(err.Error(), "400") {
		t.Fatalf("refusal: %v", err)
	}
	if err := b.SendSMS(context.Background(), set, "", "+33612345678", "x"); err == nil {
		t.Fatal("sent without an API key")
	}
}
