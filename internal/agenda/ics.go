package agenda

import (
	"strings"
	"time"
	"unicode/utf8"

	"parcours/internal/file"
	"parcours/internal/parcours"
)

// ICS writes a worker's calendar as iCalendar (RFC 5545): one VEVENT per
// appointment with its times (UTC), its place and « RDV » followed by
// the person's initials when the worker may read the file — never a
// name, a purpose or a phone number, so a phone's calendar shows the day
// without leaking anything. Lines end in CRLF and are folded at 75
// octets; text is escaped.
func ICS(w *parcours.Worker, items []file.CalendarItem, now time.Time, host string) []byte {
	var b strings.Builder
	line := func(s string) { fold(&b, s) }
	stamp := now.UTC().Format("20060102T150405Z")
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Parcours//Agenda//FR")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:" + escapeText("Parcours — "+w.DisplayName()))
	line("X-WR-TIMEZONE:Europe/Paris")
	if host == "" {
		host = "parcours"
	}
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	for _, it := range items {
		a := it.Appointment
		line("BEGIN:VEVENT")
		line("UID:" + a.ID + "@" + host)
		line("DTSTAMP:" + stamp)
		line("DTSTART:" + a.StartsAt.UTC().Format("20060102T150405Z"))
		line("DTEND:" + a.EndsAt.UTC().Format("20060102T150405Z"))
		summary := "RDV"
		if it.Visible && it.Initials != "" {
			summary += " " + it.Initials
		}
		line("SUMMARY:" + escapeText(summary))
		if loc := feedPlace(a); loc != "" {
			line("LOCATION:" + escapeText(loc))
		}
		switch a.Status {
		case parcours.ApptCancelled, parcours.ApptPostponed:
			line("STATUS:CANCELLED")
		default:
			line("STATUS:CONFIRMED")
		}
		line("TRANSP:OPAQUE")
		line("CLASS:PRIVATE")
		line("LAST-MODIFIED:" + a.UpdatedAt.UTC().Format("20060102T150405Z"))
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return []byte(b.String())
}

// feedPlace is what a feed says of an appointment's place: the address
// of a service or a home visit, the visio link, « Téléphone » without the
// number.
func feedPlace(a *parcours.Appointment) string {
	switch a.PlaceKind {
	case parcours.PlacePhone:
		return "Téléphone"
	case parcours.PlaceVisio:
		if a.Place == "" {
			return "Visio"
		}
	}
	return a.Place
}

// escapeText escapes a TEXT value (RFC 5545 §3.3.11).
func escapeText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

// fold writes a content line folded at 75 octets without cutting a UTF-8
// character (RFC 5545 §3.1), ending in CRLF.
func fold(b *strings.Builder, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
