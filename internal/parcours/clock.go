package parcours

import (
	"time"
	_ "time/tzdata" // a server without the system's zone files still knows French days
)

// France is the workers' time zone: "today", "due today" and "dated in
// the future" are French days whatever zone the server runs in.
var France = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil { // unreachable with time/tzdata embedded
		return time.UTC
	}
	return loc
}()

// Today is the date in France at now, as YYYY-MM-DD.
func Today(now time.Time) string { return now.In(France).Format(time.DateOnly) }
