package outbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"parcours/internal/parcours"
)

// SMTP sends e-mail with the standard library's net/smtp: plain text in
// UTF-8, quoted-printable, STARTTLS or implicit TLS as the organisation
// chose, PLAIN authentication when a user is set (net/smtp refuses it on
// an unencrypted connection to anything but localhost). The standard
// library is enough for one plain-text message per connection; no
// third-party client is needed.
type SMTP struct {
	// TLS overrides the TLS configuration (tests); nil: the system's
	// roots, verifying the host name.
	TLS *tls.Config
}

// SendMail sends m through s's server.
func (t SMTP) SendMail(ctx context.Context, s *parcours.MessagingSettings, password string, m *parcours.OutboxMessage) error {
	addr := net.JoinHostPort(s.SMTPHost, strconv.Itoa(s.SMTPPort))
	cfg := t.TLS
	if cfg == nil {
		cfg = &tls.Config{ServerName: s.SMTPHost, MinVersion: tls.VersionTLS12}
	}
	var conn net.Conn
	var err error
	if s.SMTPSecurity == parcours.SMTPTLS {
		conn, err = (&tls.Dialer{Config: cfg}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("connect to %s: %w", addr, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	} else {
		_ = conn.SetDeadline(time.Now().Add(time.Minute))
	}
	c, err := smtp.NewClient(conn, s.SMTPHost)
	if err != nil {
		return fmt.Errorf("smtp greeting: %w", err)
	}
	defer c.Close()
	if s.SMTPSecurity == parcours.SMTPStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("the SMTP server offers no STARTTLS")
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("starttls: %w", err)
		}
	}
	if s.SMTPUsername != "" {
		if err := c.Auth(smtp.PlainAuth("", s.SMTPUsername, password, s.SMTPHost)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	if err := c.Mail(s.SMTPFrom); err != nil {
		return fmt.Errorf("smtp MAIL FROM: %w", err)
	}
	if err := c.Rcpt(m.Recipient); err != nil {
		return fmt.Errorf("smtp RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if _, err := w.Write(compose(s.SMTPFrom, m)); err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	// The message is accepted; a failing QUIT changes nothing.
	_ = c.Quit()
	return nil
}

// compose writes m as a plain-text UTF-8 message. Its Message-ID is the
// outbox id, so a message sent again by an admin's requeue is recognisable
// as the same one.
func compose(from string, m *parcours.OutboxMessage) []byte {
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("From", from)
	h("To", m.Recipient)
	h("Subject", mime.QEncoding.Encode("utf-8", strings.ReplaceAll(m.Subject, "\n", " ")))
	h("Date", m.CreatedAt.Format(time.RFC1123Z))
	domain := "parcours.invalid"
	if i := strings.LastIndexByte(from, '@'); i >= 0 {
		domain = from[i+1:]
	}
	h("Message-ID", "<"+m.ID+"@"+domain+">")
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	h("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n")
	_, _ = qp.Write([]byte(body))
	_ = qp.Close()
	return b.Bytes()
}
