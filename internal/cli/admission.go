package cli

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"parcours/internal/app"
)

// serveAdmission holds serve's bound on the requests worked on at once
// (app.Admission), as given.
var serveAdmission struct {
	maxRequests string
	queueWait   string
}

// admissionFlags adds serve's --max-requests and --queue-wait.
func admissionFlags(fs *flag.FlagSet) {
	fs.StringVar(&serveAdmission.maxRequests, "max-requests", os.Getenv("PARCOURS_MAX_REQUESTS"),
		fmt.Sprintf("requests worked on at once; beyond, requests wait their turn in arrival order (default %d, between 4 and 4096; env PARCOURS_MAX_REQUESTS)", app.DefaultMaxInFlight))
	fs.StringVar(&serveAdmission.queueWait, "queue-wait", os.Getenv("PARCOURS_QUEUE_WAIT"),
		fmt.Sprintf("how long a request may wait for its turn before it is answered 503 with Retry-After (default %s, between 100ms and 60s; env PARCOURS_QUEUE_WAIT)", app.DefaultMaxWait))
}

// admission reads serve's admission options; a value that does not parse
// stops serve with one readable line.
func admission() (*app.Admission, error) {
	a := &app.Admission{MaxInFlight: app.DefaultMaxInFlight, MaxWait: app.DefaultMaxWait}
	if v := serveAdmission.maxRequests; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 4 || n > 4096 {
			return nil, &usageError{fmt.Sprintf("max requests %q: want a number between 4 and 4096", v)}
		}
		a.MaxInFlight = n
	}
	if v := serveAdmission.queueWait; v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 100*time.Millisecond || d > time.Minute {
			return nil, &usageError{fmt.Sprintf("queue wait %q: want a duration between 100ms and 60s, e.g. 2s", v)}
		}
		a.MaxWait = d
	}
	return a, nil
}
