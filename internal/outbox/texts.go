package outbox

import (
	"strings"

	"parcours/internal/i18n"
)

// DefaultText is the reminder text of kind (subject, email, sms) an
// organisation gets until it writes its own, in lang (reminders go out in
// French).
func DefaultText(lang, kind string) string { return i18n.T(lang, "outbox.default."+kind) }

// Fill replaces the placeholders of text ({date}, {heure}, {lieu},
// {structure}) with vals; an unknown one stays as written.
func Fill(text string, vals map[string]string) string {
	pairs := make([]string, 0, 2*len(vals))
	for k, v := range vals {
		pairs = append(pairs, "{"+k+"}", v)
	}
	return strings.NewReplacer(pairs...).Replace(text)
}
