package outbox

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Catcher is an in-process SMTP server that keeps what it receives: the
// demo sends its reminders to it (nothing leaves the machine) and the
// tests check what the outbox sent. It is built on
// github.com/emersion/go-smtp, a maintained SMTP server library; Parcours
// sends with net/smtp and serves SMTP only here.
type Catcher struct {
	// Addr is host:port of the listener.
	Addr string
	// User and Password, when set, are required (AUTH PLAIN).
	User, Password string
	// Hold, when set, runs after a message is kept and before the server
	// answers the DATA command: a test that blocks in it has a sender
	// waiting on a message the server already has (to kill it there).
	// Set it before the first message.
	Hold func(CaughtMail)

	srv *smtp.Server
	ln  net.Listener

	mu   sync.Mutex
	mail []CaughtMail
}

// CaughtMail is one received message.
type CaughtMail struct {
	From    string
	To      []string
	Subject string
	Body    string
	Raw     []byte
}

// NewCatcher listens on addr ("127.0.0.1:0" for any free port) and serves
// until Close.
func NewCatcher(addr string) (*Catcher, error) {
	c := &Catcher{}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	c.ln, c.Addr = ln, ln.Addr().String()
	c.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &catchSession{c: c}, nil }))
	c.srv.Domain = "localhost"
	c.srv.AllowInsecureAuth = true
	go func() { _ = c.srv.Serve(ln) }()
	return c, nil
}

// Close stops the server: connections are refused from then on.
func (c *Catcher) Close() error { return c.srv.Close() }

// Mail returns the messages received so far.
func (c *Catcher) Mail() []CaughtMail {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]CaughtMail(nil), c.mail...)
}

type catchSession struct {
	c    *Catcher
	auth bool
	from string
	to   []string
}

func (s *catchSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *catchSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.c.User || pass != s.c.Password {
			return errors.New("invalid credentials")
		}
		s.auth = true
		return nil
	}), nil
}

func (s *catchSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.c.User != "" && !s.auth {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *catchSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *catchSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := CaughtMail{From: s.from, To: s.to, Raw: raw}
	if msg, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		m.Subject, _ = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		var body io.Reader = msg.Body
		if msg.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
			body = quotedprintable.NewReader(msg.Body)
		}
		b, _ := io.ReadAll(body)
		// DATA ends with a line break the sender added.
		m.Body = strings.TrimSuffix(string(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))), "\n")
	}
	s.c.mu.Lock()
	s.c.mail = append(s.c.mail, m)
	s.c.mu.Unlock()
	if s.c.Hold != nil {
		s.c.Hold(m)
	}
	return nil
}

func (s *catchSession) Reset()        { s.from, s.to = "", nil }
func (s *catchSession) Logout() error { return nil }
