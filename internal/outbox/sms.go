package outbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"parcours/internal/parcours"
)

// SMS provider names, as an organisation's sms_provider.
const (
	// ProviderBrevo is Brevo's transactional SMS API (BrevoSMS).
	ProviderBrevo = "brevo"
	// ProviderLog is the demo's and the tests' provider: it keeps the
	// messages in memory and sends nothing (SMSRecorder).
	ProviderLog = "journal"
)

// DefaultProviders are the SMS providers a server knows: Brevo, and the
// « journal » that keeps the SMS in memory and sends nothing (demo).
func DefaultProviders() map[string]SMSProvider {
	return map[string]SMSProvider{ProviderBrevo: &BrevoSMS{}, ProviderLog: &SMSRecorder{}}
}

// BrevoSMS sends SMS through Brevo's transactional SMS API
// (https://developers.brevo.com/reference/sendtransacsms):
//
//	POST https://api.brevo.com/v3/transactionalSMS/sms
//	api-key: <the token read from the variable sms_token_env names>
//	{"sender": "<sms_sender, 3–11 characters>", "recipient": "33612345678",
//	 "content": "…", "type": "transactional"}
//
// A 2xx answer means Brevo accepted the message; any other status is an
// error whose text is Brevo's "message" field (never the number or the
// text). The organisation sets sms_provider "brevo", sms_sender and
// sms_token_env.
type BrevoSMS struct {
	// BaseURL is https://api.brevo.com when empty (tests: an httptest
	// server).
	BaseURL string
	// Client is http.DefaultClient's equivalent with a timeout when nil.
	Client *http.Client
}

// SendSMS sends text to the E.164 number to.
func (b *BrevoSMS) SendSMS(ctx context.Context, s *parcours.MessagingSettings, token, to, text string) error {
	if token == "" {
		return fmt.Errorf("brevo: no API key (set the variable named in sms_token_env)")
	}
	base := b.BaseURL
	if base == "" {
		base = "https://api.brevo.com"
	}
	client := b.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	body, _ := json.Marshal(map[string]string{"sender": s.SMSSender, "recipient": strings.TrimPrefix(to, "+"),
		"content": text, "type": "transactional"})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v3/transactionalSMS/sms", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("api-key", token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("brevo: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(raw, &e)
	return fmt.Errorf("brevo: HTTP %d %s %s", resp.StatusCode, e.Code, strings.ReplaceAll(e.Message, to, "<numéro>"))
}

// SMSRecorder is the test double and the demo's provider: it keeps the
// SMS it is given and sends nothing. Fail, when set, makes it fail.
type SMSRecorder struct {
	mu   sync.Mutex
	sent []SentSMS
	Fail error
}

// SentSMS is one recorded SMS.
type SentSMS struct {
	From, To, Text string
}

// SendSMS records the SMS (or fails with Fail).
func (r *SMSRecorder) SendSMS(_ context.Context, s *parcours.MessagingSettings, _, to, text string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Fail != nil {
		return r.Fail
	}
	r.sent = append(r.sent, SentSMS{From: s.SMSSender, To: to, Text: text})
	return nil
}

// Sent returns the SMS recorded so far.
func (r *SMSRecorder) Sent() []SentSMS {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]SentSMS(nil), r.sent...)
}
