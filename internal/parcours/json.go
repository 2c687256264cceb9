package parcours

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// Hand-written JSON for the answers that carry the most rows (a journal
// of 200 entries is ~115 KB): encoding/json walked each entry by
// reflection, ~10 % of serve's CPU to open a file (issue 17). AppendJSON
// writes exactly the bytes encoding/json writes for the same value with
// HTML escaping on (as web.WriteJSON encodes), field tags and omitempty
// included; TestAppendJSON_SameBytesAsEncodingJSON holds them equal,
// every field of the types set, so a field added to a type without its
// line here fails the test. It returns false when it cannot (a time
// outside the years 0–9999, which encoding/json refuses): the caller
// then encodes with encoding/json.

// jsonAppender is a value that appends its own JSON.
type jsonAppender interface {
	AppendJSON(b []byte) ([]byte, bool)
}

// AppendJSON appends the page as JSON when its items can append
// themselves; false (and b unusable) otherwise.
func (p *Page[T]) AppendJSON(b []byte) ([]byte, bool) {
	if p == nil {
		return append(b, "null"...), true
	}
	b = append(b, `{"items":`...)
	if p.Items == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, it := range p.Items {
			a, ok := any(it).(jsonAppender)
			if !ok {
				return b, false
			}
			if i > 0 {
				b = append(b, ',')
			}
			if b, ok = a.AppendJSON(b); !ok {
				return b, false
			}
		}
		b = append(b, ']')
	}
	b = append(b, `,"next_cursor":`...)
	b = appendJSONString(b, p.NextCursor)
	return append(b, '}'), true
}

// AppendJSON appends the entry as JSON.
func (e *JournalEntry) AppendJSON(b []byte) ([]byte, bool) {
	if e == nil {
		return append(b, "null"...), true
	}
	if y := e.CreatedAt.Year(); y < 0 || y > 9999 {
		return b, false
	}
	b = append(b, `{"id":`...)
	b = appendJSONString(b, e.ID)
	b = append(b, `,"organization_id":`...)
	b = appendJSONString(b, e.OrgID)
	b = append(b, `,"person_id":`...)
	b = appendJSONString(b, e.PersonID)
	b = append(b, `,"accompaniment_id":`...)
	b = appendJSONString(b, e.AccompanimentID)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, e.Kind)
	b = append(b, `,"occurred_at":`...)
	b = appendJSONString(b, e.OccurredAt)
	b = append(b, `,"summary":`...)
	b = appendJSONString(b, e.Summary)
	if e.Theme != "" {
		b = append(b, `,"theme":`...)
		b = appendJSONString(b, e.Theme)
	}
	if e.Mode != "" {
		b = append(b, `,"mode":`...)
		b = appendJSONString(b, e.Mode)
	}
	if len(e.Participants) > 0 {
		b = append(b, `,"participants":`...)
		b = appendJSONStrings(b, e.Participants)
	}
	b = append(b, `,"confidentiality":`...)
	b = appendJSONString(b, e.Confidentiality)
	b = append(b, `,"team_id":`...)
	b = appendJSONString(b, e.TeamID)
	b = append(b, `,"author_id":`...)
	b = appendJSONString(b, e.AuthorID)
	if e.PrivateSynthesis != "" {
		b = append(b, `,"private_synthesis":`...)
		b = appendJSONString(b, e.PrivateSynthesis)
	}
	b = append(b, `,"amends":`...)
	b = appendJSONString(b, e.Amends)
	b = append(b, `,"created_at":"`...)
	b = e.CreatedAt.AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	if len(e.AmendedBy) > 0 {
		b = append(b, `,"amended_by":`...)
		b = appendJSONStrings(b, e.AmendedBy)
	}
	if e.Disclosure != "" {
		b = append(b, `,"disclosure":`...)
		b = appendJSONString(b, e.Disclosure)
	}
	return append(b, '}'), true
}

func appendJSONStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendJSONString quotes s as encoding/json does with HTML escaping:
// ", \ and control characters escaped (\b \f \n \r \t in short), <, >
// and & as \u003c…, U+2028 and U+2029 escaped, invalid UTF-8 replaced by
// \ufffd.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight bytes at a time while none needs a look: most of a
		// journal's text (ids, dates, words) goes by so.
		for i+8 <= len(s) && !needsEscape8(s[i:i+8]) {
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// Repeated bytes, for needsEscape8.
const (
	bytes01 = 0x0101010101010101
	bytes80 = 0x8080808080808080
)

// needsEscape8 reports whether any of the eight bytes of w (len 8) is not
// plain printable ASCII that JSON with HTML escaping writes as it is: a
// control character, ", \, <, >, & or any byte of a multi-byte sequence.
// Each test is exact for the word as a whole (hasLess, hasByte).
func needsEscape8(w string) bool {
	x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
	if x&bytes80 != 0 {
		return true
	}
	// A byte below 0x20 (the high bits are clear: no borrow crosses them).
	if (x-bytes01*0x20)&^x&bytes80 != 0 {
		return true
	}
	return hasByte(x, '"') || hasByte(x, '\\') || hasByte(x, '<') || hasByte(x, '>') || hasByte(x, '&')
}

// hasByte reports whether one of the bytes of x is c.
func hasByte(x uint64, c byte) bool {
	v := x ^ (bytes01 * uint64(c))
	return (v-bytes01)&^v&bytes80 != 0
}

// AppendJSON appends the person as JSON (a search's or a list's page).
func (p *Person) AppendJSON(b []byte) ([]byte, bool) {
	if p == nil {
		return append(b, "null"...), true
	}
	if y := p.CreatedAt.Year(); y < 0 || y > 9999 {
		return b, false
	}
	if y := p.UpdatedAt.Year(); y < 0 || y > 9999 {
		return b, false
	}
	b = append(b, `{"id":`...)
	b = appendJSONString(b, p.ID)
	b = append(b, `,"organization_id":`...)
	b = appendJSONString(b, p.OrgID)
	b = append(b, `,"birth_name":`...)
	b = appendJSONString(b, p.BirthName)
	b = append(b, `,"usage_name":`...)
	b = appendJSONString(b, p.UsageName)
	b = append(b, `,"first_names":`...)
	b = appendJSONString(b, p.FirstNames)
	b = append(b, `,"birth_date":`...)
	b = appendJSONString(b, p.BirthDate)
	if p.BirthPlace != "" {
		b = append(b, `,"birth_place":`...)
		b = appendJSONString(b, p.BirthPlace)
	}
	b = append(b, `,"sex":`...)
	b = appendJSONString(b, string(p.Sex))
	if p.Phone != "" {
		b = append(b, `,"phone":`...)
		b = appendJSONString(b, p.Phone)
	}
	if p.Email != "" {
		b = append(b, `,"email":`...)
		b = appendJSONString(b, p.Email)
	}
	b = append(b, `,"address":{`...)
	sep := ""
	for _, f := range [4]struct{ key, v string }{{"line1", p.Address.Line1}, {"line2", p.Address.Line2},
		{"postal_code", p.Address.PostalCode}, {"city", p.Address.City}} {
		if f.v != "" {
			b = append(b, sep...)
			b = append(b, '"')
			b = append(b, f.key...)
			b = append(b, `":`...)
			b = appendJSONString(b, f.v)
			sep = ","
		}
	}
	b = append(b, '}')
	if p.NIR != "" {
		b = append(b, `,"nir":`...)
		b = appendJSONString(b, p.NIR)
	}
	if p.CAFNumber != "" {
		b = append(b, `,"caf_number":`...)
		b = appendJSONString(b, p.CAFNumber)
	}
	b = append(b, `,"household_id":`...)
	b = appendJSONString(b, p.HouseholdID)
	b = append(b, `,"created_at":"`...)
	b = p.CreatedAt.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","updated_at":"`...)
	b = p.UpdatedAt.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","version":`...)
	b = strconv.AppendInt(b, int64(p.Version), 10)
	return append(b, '}'), true
}
