package web

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"parcours/internal/i18n"
	"parcours/internal/parcours"
)

// Text that enters Parcours must be valid UTF-8 without NUL characters:
// PostgreSQL refuses both in a text value (a 500 deep in a query), SQLite
// would store them and hand them back to every reader. They are refused
// where a request is decoded — path, query string, url-encoded forms
// (checkRequestText), JSON bodies (decodeJSON), multipart fields — with a
// 400 that names the field when it has a name of ours, never the content.

// BadText reports whether s cannot be stored as text.
func BadText(s string) bool {
	return strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s)
}

// BadTextError is the 400 for such text, naming field when known.
func BadTextError(field string) error {
	if field == "" {
		return parcours.Errorf(parcours.EBadRequest, "error.text.invalid")
	}
	label := field
	if i18n.Has("field." + field) {
		label = "field." + field // translated by the catalogue
	}
	return parcours.FieldError(parcours.EBadRequest, field, "error.text.invalid_field", label)
}

// checkRequestText refuses a request whose path, query string or
// url-encoded form holds text that cannot be stored. Multipart bodies are
// the handlers' to stream; they check their fields as they read them.
func (s *Server) checkRequestText(w http.ResponseWriter, r *http.Request) error {
	if BadText(r.URL.Path) {
		return BadTextError("")
	}
	if err := CheckValues(r.URL.Query()); err != nil {
		return err
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return nil
	}
	if r.PostForm == nil {
		// The same bound as the CSRF check, which may have read it first.
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload+(1<<20))
		if err := r.ParseForm(); err != nil {
			var maxErr *http.MaxBytesError
			if errors.As(err, &maxErr) {
				return parcours.Errorf(parcours.ETooLarge, "error.body_too_large", humanBytes(maxErr.Limit))
			}
			return parcours.Errorf(parcours.EBadRequest, "error.bad_form")
		}
	}
	return CheckValues(r.PostForm)
}

// CheckValues checks the names and values of a query string or form.
func CheckValues(vs map[string][]string) error {
	for name, values := range vs {
		if BadText(name) {
			return BadTextError("")
		}
		for _, v := range values {
			if BadText(v) {
				return BadTextError(name)
			}
		}
	}
	return nil
}

// CheckDecodedText walks a decoded JSON value and refuses any string in
// it that cannot be stored ("\u0000" is valid JSON; invalid UTF-8 bytes
// are refused before decoding, since encoding/json would silently replace
// them). The field is named by its JSON name.
func CheckDecodedText(v any) error {
	return walkText(reflect.ValueOf(v), "")
}

func walkText(v reflect.Value, field string) error {
	switch v.Kind() {
	case reflect.String:
		if BadText(v.String()) {
			return BadTextError(field)
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return walkText(v.Elem(), field)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil // bytes (json.RawMessage, base64): not text
		}
		for i := range v.Len() {
			if err := walkText(v.Index(i), field); err != nil {
				return err
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if k := it.Key(); k.Kind() == reflect.String && BadText(k.String()) {
				return BadTextError(field)
			}
			if err := walkText(it.Value(), field); err != nil {
				return err
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if f.Anonymous && f.Tag.Get("json") == "" {
				name = field // embedded: its fields are the parent's
			}
			if err := walkText(v.Field(i), name); err != nil {
				return err
			}
		}
	}
	return nil
}
