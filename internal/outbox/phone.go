package outbox

import "strings"

// NormalizeMobile returns the E.164 form (+33612345678) of a mobile
// number written the French way (06 12 34 56 78, 07…, 0033 6…, +33 6…,
// the overseas mobiles 0690, 0691, 0694, 0696, 0697, 0692, 0693, 0639) or
// already in international form (+ and 8 to 15 digits), and whether it is
// one. A French landline (01–05, 08, 09) is not a mobile: no SMS.
func NormalizeMobile(s string) (string, bool) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		default:
			return "", false
		}
	}
	n := b.String()
	if strings.HasPrefix(n, "00") {
		n = "+" + n[2:]
	}
	if strings.HasPrefix(n, "+330") { // +33 (0)6…
		n = "+33" + n[4:]
	}
	if len(n) == 10 && n[0] == '0' {
		national := n[1:]
		for _, p := range overseas {
			if strings.HasPrefix(national, p.prefix) {
				return p.country + national, true
			}
		}
		n = "+33" + national
	}
	if !strings.HasPrefix(n, "+") || len(n) < 9 || len(n) > 16 || n[1] == '0' {
		return "", false
	}
	if strings.HasPrefix(n, "+33") {
		national := n[3:]
		if len(national) != 9 || (national[0] != '6' && national[0] != '7') {
			return "", false
		}
		for _, p := range overseas {
			// An overseas mobile dialled with +33 is written with its own
			// country code.
			if strings.HasPrefix(national, p.prefix) {
				return p.country + national, true
			}
		}
	}
	for _, p := range overseas {
		if strings.HasPrefix(n, p.country) {
			national := n[len(p.country):]
			if len(national) != 9 || !hasOverseasMobilePrefix(p.country, national) {
				return "", false
			}
		}
	}
	return n, true
}

// ValidMobile reports whether s is a mobile number NormalizeMobile
// accepts.
func ValidMobile(s string) bool {
	_, ok := NormalizeMobile(s)
	return ok
}

// overseas are the French overseas mobile prefixes (national, without the
// leading 0) and their country codes.
var overseas = []struct{ prefix, country string }{
	{"690", "+590"}, {"691", "+590"}, // Guadeloupe, Saint-Martin, Saint-Barthélemy
	{"694", "+594"},                  // Guyane
	{"696", "+596"}, {"697", "+596"}, // Martinique
	{"692", "+262"}, {"693", "+262"}, // La Réunion
	{"639", "+262"}, // Mayotte
}

func hasOverseasMobilePrefix(country, national string) bool {
	for _, p := range overseas {
		if p.country == country && strings.HasPrefix(national, p.prefix) {
			return true
		}
	}
	return false
}
