package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"parcours/internal/i18n"
	"parcours/internal/parcours"
)

// StatusOf maps an error code to its HTTP status. It is the only such
// mapping in Parcours.
func StatusOf(code string) int {
	switch code {
	case parcours.EInvalid:
		return http.StatusUnprocessableEntity
	case parcours.EBadRequest:
		return http.StatusBadRequest
	case parcours.ENotFound:
		return http.StatusNotFound
	case parcours.EForbidden:
		return http.StatusForbidden
	case parcours.EUnauthenticated:
		return http.StatusUnauthorized
	case parcours.EConflict:
		return http.StatusConflict
	case parcours.ETooLarge:
		return http.StatusRequestEntityTooLarge
	case parcours.ERateLimited:
		return http.StatusTooManyRequests
	case parcours.EUnsupported:
		return http.StatusUnsupportedMediaType
	case parcours.EGone:
		return http.StatusGone
	case parcours.EUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// apiError is the error body of the JSON API.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Field   string       `json:"field,omitempty"`
	Fields  []apiFieldEr `json:"fields,omitempty"`
	Details any          `json:"details,omitempty"`
}

type apiFieldEr struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Fail renders err for the client: JSON under /api/, an HTML page
// otherwise. Only internal errors are logged, with the request id the user
// sees, never with the request's content.
func (s *Server) Fail(w http.ResponseWriter, r *http.Request, err error) {
	e := parcours.AsError(err)
	if e == nil {
		s.log.Error("internal error", "request_id", infoFrom(r.Context()).id, "route", infoFrom(r.Context()).route, "err", err.Error())
		e = parcours.Errorf(parcours.EInternal, "error.internal")
	}
	status := StatusOf(e.Code)
	l := Lang(r)
	if isAPI(r) {
		body := apiErrorBody{Code: e.Code, Message: i18n.T(l, e.Key, e.Args...), Field: e.Field, Details: e.Details}
		for _, f := range e.Fields {
			body.Fields = append(body.Fields, apiFieldEr{Field: f.Field, Message: i18n.T(l, f.Key, f.Args...)})
		}
		WriteJSON(w, status, apiError{Error: body})
		return
	}
	s.renderError(w, r, status, e)
}

// WriteJSON writes v as JSON with status. A value that writes its own
// JSON (parcours' AppendJSON: the journal, issue 17) is not walked by
// reflection; it writes the same bytes.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b := getAnswerBuf()
	ok := false
	if a, can := v.(interface{ AppendJSON([]byte) ([]byte, bool) }); can {
		var out []byte
		if out, ok = a.AppendJSON(b); ok {
			b = append(out, '\n')
		}
	}
	if !ok {
		buf := bytes.NewBuffer(b[:0])
		enc := json.NewEncoder(buf)
		enc.SetEscapeHTML(true)
		if err := enc.Encode(v); err != nil {
			http.Error(w, `{"error":{"code":"internal","message":"encoding"}}`, http.StatusInternalServerError)
			return
		}
		b = buf.Bytes()
	}
	defer putAnswerBuf(b)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

// answerBufs reuses the buffers answers are written in before they are
// sent, JSON (WriteJSON) and pages (Render): a 200-entry journal grew a
// fresh one to ~115 KB on every request, a person's page to ~130 KB, most
// of the GC's work on two cores (issue 17). A bounded free list rather
// than a sync.Pool, for the reason gzipWriters gives: under serve's
// memory limit the collector runs often enough to empty a pool between
// requests.
var answerBufs = make(chan []byte, 8)

func getAnswerBuf() []byte {
	select {
	case b := <-answerBufs:
		return b[:0]
	default:
		return nil
	}
}

// putAnswerBuf gives b back, unless an unusual answer made it too large
// to keep. The answer has been written: nothing holds b any more.
func putAnswerBuf(b []byte) {
	if cap(b) > 1<<20 {
		return
	}
	select {
	case answerBufs <- b:
	default:
	}
}

// DecodeJSON reads a JSON body into v: at most MaxJSONBody bytes, unknown
// fields refused, exactly one value.
func (s *Server) DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(ct, "application/json") {
		return parcours.Errorf(parcours.EUnsupported, "error.unsupported_type", ct)
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxJSONBody))
	if err != nil {
		return JSONError(err, s.cfg.MaxJSONBody)
	}
	// encoding/json would replace invalid UTF-8 silently: refuse it.
	if !utf8.Valid(raw) {
		return BadTextError("")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return JSONError(err, s.cfg.MaxJSONBody)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return JSONError(err, s.cfg.MaxJSONBody)
		}
		return parcours.Errorf(parcours.EBadRequest, "error.bad_json", "trailing data")
	}
	return CheckDecodedText(v)
}

func JSONError(err error, limit int64) error {
	var maxErr *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &maxErr):
		return parcours.Errorf(parcours.ETooLarge, "error.body_too_large", humanBytes(limit))
	case errors.As(err, &typeErr):
		return parcours.FieldError(parcours.EBadRequest, typeErr.Field, "error.bad_json_type", typeErr.Field)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return parcours.FieldError(parcours.EBadRequest, name, "error.unknown_field", name)
	case errors.Is(err, io.EOF):
		return parcours.Errorf(parcours.EBadRequest, "error.bad_json", "empty body")
	}
	// Syntax errors say where, not what: they never echo the content.
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return parcours.Errorf(parcours.EBadRequest, "error.bad_json", "syntax")
	}
	return parcours.Errorf(parcours.EBadRequest, "error.bad_json", "invalid")
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return itoa(n>>20) + " Mio"
	case n >= 1<<10 && n%(1<<10) == 0:
		return itoa(n>>10) + " Kio"
	}
	return itoa(n) + " o"
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// breakGlassLink returns the break-glass form of the file a worker was
// refused (403 on /persons/{id}), "" otherwise.
func breakGlassLink(r *http.Request, status int, e *parcours.Error) string {
	if status != http.StatusForbidden || e.Key != "error.forbidden" || r.Method != http.MethodGet {
		return ""
	}
	id, ok := strings.CutPrefix(r.URL.Path, "/persons/")
	if !ok || id == "" || strings.Contains(id, "/") {
		return ""
	}
	return "/persons/" + url.PathEscape(id) + "/break-glass"
}

// archiveLink returns the form that asks the reason for consulting an
// archived file (403 error.archived_reason_required on a page of
// /persons/{id}), "" otherwise.
func archiveLink(r *http.Request, status int, e *parcours.Error) string {
	if status != http.StatusForbidden || e.Key != "error.archived_reason_required" || r.Method != http.MethodGet {
		return ""
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/persons/")
	id, _, _ := strings.Cut(rest, "/")
	if !ok || id == "" {
		return ""
	}
	return "/persons/" + url.PathEscape(id) + "/break-glass"
}

// TypedForm is what was typed in a posted form (first value of each
// field), to show it back with the errors: never the CSRF token, nor the
// form token, so a redisplayed form gets a fresh one.
func TypedForm(r *http.Request) map[string]string {
	form := map[string]string{}
	for k, v := range r.PostForm {
		if k != "csrf" && k != "form_token" && len(v) > 0 {
			form[k] = v[0]
		}
	}
	return form
}

// ParseForm parses a posted form once; a malformed body is a 400.
func ParseForm(r *http.Request) error {
	if r.PostForm == nil {
		if err := r.ParseForm(); err != nil {
			return parcours.Errorf(parcours.EBadRequest, "error.bad_form")
		}
	}
	return nil
}

// UploadForm parses a posted form that may carry a file (multipart),
// within the upload limit, and checks its text fields and file name as
// every form's. It returns the file of field name — nil when none was
// chosen (an empty file input) — which the caller closes; net/http
// removes the form's temporary files when the request ends.
func (s *Server) UploadForm(w http.ResponseWriter, r *http.Request, name string) (filename string, content io.ReadCloser, err error) {
	multi := strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
	if r.PostForm == nil {
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload+(1<<20))
		if multi {
			err = r.ParseMultipartForm(1 << 20)
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			var maxErr *http.MaxBytesError
			if errors.As(err, &maxErr) {
				return "", nil, parcours.FieldError(parcours.ETooLarge, name, "error.casefile.file_too_large_plain")
			}
			return "", nil, parcours.Errorf(parcours.EBadRequest, "error.bad_form")
		}
	}
	if r.MultipartForm == nil {
		return "", nil, nil
	}
	if err := CheckValues(r.MultipartForm.Value); err != nil {
		return "", nil, err
	}
	fhs := r.MultipartForm.File[name]
	if len(fhs) != 1 || (fhs[0].Filename == "" && fhs[0].Size == 0) {
		return "", nil, nil
	}
	if BadText(fhs[0].Filename) {
		return "", nil, BadTextError(name)
	}
	f, err := fhs[0].Open()
	if err != nil {
		return "", nil, err
	}
	return fhs[0].Filename, f, nil
}

// ServeDocument sends a stored document's content as an attachment
// (never rendered in Parcours' origin), with the type sniffed at upload.
// A failure while copying leaves the client a short body: the headers
// are gone.
func ServeDocument(w http.ResponseWriter, d *parcours.Document, content io.Reader) {
	name := d.Title
	if name == "" {
		name = "document"
	}
	h := w.Header()
	h.Set("Content-Type", d.ContentType)
	h.Set("Content-Length", strconv.FormatInt(d.Size, 10))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, content)
}
