package cli

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"parcours/internal/app"
	"parcours/internal/stats"
)

// serveExports holds serve's options of the background exports.
var serveExports struct {
	rows string
	ttl  string
}

// exportFlags adds serve's --export-job-rows and --export-ttl: above how
// many rows a row-level export of the statistics runs in the background,
// and how long its file may then be downloaded before it is deleted.
func exportFlags(fs *flag.FlagSet, c *Common) {
	fs.StringVar(&serveExports.rows, "export-job-rows", os.Getenv("PARCOURS_EXPORT_JOB_ROWS"),
		fmt.Sprintf("a row-level export of more rows than this runs as a background job with a download link (default %d; env PARCOURS_EXPORT_JOB_ROWS)", stats.DefaultJobRows))
	fs.StringVar(&serveExports.ttl, "export-ttl", os.Getenv("PARCOURS_EXPORT_TTL"),
		"how long the file of a background export may be downloaded before it is deleted, e.g. 24h (default 24h, between 10m and 720h; env PARCOURS_EXPORT_TTL)")
}

// applyExports sets the background exports' options on a; a value that
// does not parse stops serve with one readable line.
func applyExports(a *app.App) error {
	cfg := a.Stats.ExportSettings()
	if serveExports.rows != "" {
		n, err := strconv.Atoi(serveExports.rows)
		if err != nil || n < 1 {
			return &usageError{fmt.Sprintf("export job rows %q: want a positive number of rows", serveExports.rows)}
		}
		cfg.JobRows = n
	}
	if serveExports.ttl != "" {
		d, err := time.ParseDuration(serveExports.ttl)
		if err != nil || d < 10*time.Minute || d > 720*time.Hour {
			return &usageError{fmt.Sprintf("export TTL %q: want a duration between 10m and 720h, e.g. 24h", serveExports.ttl)}
		}
		cfg.TTL = d
	}
	a.Stats.UseExportFiles(cfg)
	return nil
}
