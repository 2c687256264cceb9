package parcours

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status in internal/web and to one exit
// code family in the CLI; nothing else should switch on them.
const (
	EInvalid         = "invalid"          // 422: a field is wrong
	EBadRequest      = "bad_request"      // 400: the request itself is malformed
	ENotFound        = "not_found"        // 404: absent, or not visible to the actor
	EForbidden       = "forbidden"        // 403: visible but not allowed
	EUnauthenticated = "unauthenticated"  // 401
	EConflict        = "conflict"         // 409
	ETooLarge        = "too_large"        // 413
	ERateLimited     = "rate_limited"     // 429
	EUnsupported     = "unsupported_type" // 415
	EGone            = "gone"             // 410: was there, no longer is (an expired download)
	EUnavailable     = "unavailable"      // 503: too busy now, come back (web.Admission)
	EInternal        = "internal"         // 500: never shown in detail
)

// Error is the single error type that crosses package boundaries with a
// user-safe meaning. Key names a message of the translation catalogue
// (internal/i18n) so that the message reaches the user in their language;
// Args fill its placeholders. Field names the offending input, if any.
type Error struct {
	Code  string
	Key   string
	Args  []any
	Field string
	// Details carries structured extras for API clients (for instance
	// duplicate candidates); it must hold no secrets.
	Details any
	// Fields holds every field problem when a whole form was checked; the
	// Error itself then describes the first one.
	Fields []*Error
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Key, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Key)
}

// Errorf builds an Error with a catalogue key and its arguments.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// FieldError reports a problem with one named input field.
func FieldError(code, field, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args, Field: field}
}

// ErrorCode returns the code of err, EInternal for errors that are not ours.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EInternal
}

// AsError returns the *Error inside err, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// NotFound is the answer for anything absent or not visible to the actor:
// the two must look the same so that existence does not leak.
func NotFound() *Error { return Errorf(ENotFound, "error.not_found") }

// Forbidden is the answer for something the actor can see but not do.
func Forbidden() *Error { return Errorf(EForbidden, "error.forbidden") }
