package parcours

import (
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Problems collects field errors while a whole input is checked, so a form
// can show every mistake at once.
//
// Labels is the catalogue prefix of the fields' labels ("field." when
// empty): an area whose words have homonyms elsewhere ("kind" of a
// structure, of an entry…) keeps its own labels, e.g. "field.cf.".
type Problems struct {
	Labels string
	list   []*Error
}

// Label is the catalogue key of field's label.
func (p *Problems) Label(field string) string {
	if p.Labels == "" {
		return "field." + field
	}
	return p.Labels + field
}

// Add records a problem with field.
func (p *Problems) Add(field, key string, args ...any) {
	p.list = append(p.list, FieldError(EInvalid, field, key, args...))
}

// Err returns nil when nothing was recorded, else one EInvalid error that
// describes the first problem and carries all of them.
func (p *Problems) Err() error {
	if len(p.list) == 0 {
		return nil
	}
	first := *p.list[0]
	first.Fields = p.list
	return &first
}

// Required checks that v is not blank and at most max runes.
func (p *Problems) Required(field, v string, max int) {
	if strings.TrimSpace(v) == "" {
		p.Add(field, "error.field_required", p.Label(field))
		return
	}
	p.MaxLen(field, v, max)
}

// MaxLen checks that v has at most max runes.
func (p *Problems) MaxLen(field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		p.Add(field, "error.field_too_long", p.Label(field), max)
	}
}

// Date checks an optional YYYY-MM-DD date; notAfter, when not zero, is the
// latest date allowed.
func (p *Problems) Date(field, v string, required bool, notAfter time.Time) {
	if v == "" {
		if required {
			p.Add(field, "error.field_required", p.Label(field))
		}
		return
	}
	d, err := ParseDate(v)
	if err != nil {
		p.Add(field, "error.invalid_date", p.Label(field))
		return
	}
	if !notAfter.IsZero() && d.After(notAfter) {
		p.Add(field, "error.date_in_future", p.Label(field))
	}
}

// Choice checks that v, when given, is one of allowed.
func (p *Problems) Choice(field, v string, allowed []string, required bool) {
	if v == "" {
		if required {
			p.Add(field, "error.field_required", p.Label(field))
		}
		return
	}
	if !slices.Contains(allowed, v) {
		p.Add(field, "error.invalid_choice", p.Label(field), v)
	}
}

// Email checks an optional e-mail address.
func (p *Problems) Email(field, v string, required bool) {
	if v == "" {
		if required {
			p.Add(field, "error.field_required", p.Label(field))
		}
		return
	}
	if !ValidEmail(v) {
		p.Add(field, "error.invalid_email", p.Label(field))
	}
}

// ParseDate parses YYYY-MM-DD strictly.
func ParseDate(v string) (time.Time, error) {
	return time.Parse(time.DateOnly, v)
}

// ValidEmail accepts a bare address (no display name) with a dotted domain.
func ValidEmail(v string) bool {
	if len(v) > 254 {
		return false
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || a.Name != "" {
		return false
	}
	_, domain, _ := strings.Cut(v, "@")
	return strings.Contains(domain, ".") && !strings.HasSuffix(domain, ".")
}

// ValidSIRET checks a SIRET: 14 digits whose Luhn sum is a multiple of 10.
// La Poste's establishments (SIREN 356000000) use a digit sum instead.
func ValidSIRET(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) != 14 || strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return false
	}
	if strings.HasPrefix(s, "356000000") && s != "35600000000048" {
		sum := 0
		for _, c := range s {
			sum += int(c - '0')
		}
		return sum%5 == 0
	}
	return luhn(s)
}

func luhn(s string) bool {
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// NormalizeNIR removes spaces from a social-security number and upper-cases
// the Corsican letters.
func NormalizeNIR(s string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '.' || r == '-' {
			return -1
		}
		return r
	}, s))
}

// ValidNIR checks a French social-security number (NIR): 13 characters and
// a 2-digit key equal to 97 − (number mod 97). Corsica's departments 2A and
// 2B count as 19 and 18 for the key.
func ValidNIR(s string) bool {
	s = NormalizeNIR(s)
	if len(s) != 15 {
		return false
	}
	body, key := s[:13], s[13:]
	if s[0] != '1' && s[0] != '2' && s[0] != '3' && s[0] != '4' && s[0] != '7' && s[0] != '8' {
		return false
	}
	switch body[5:7] {
	case "2A":
		body = body[:5] + "19" + body[7:]
	case "2B":
		body = body[:5] + "18" + body[7:]
	}
	n, err := strconv.ParseUint(body, 10, 64)
	if err != nil {
		return false
	}
	k, err := strconv.Atoi(key)
	if err != nil {
		return false
	}
	return uint64(k) == 97-n%97
}
