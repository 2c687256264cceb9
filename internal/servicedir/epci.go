package servicedir

import (
	_ "embed"
	"strings"
)

// The EPCI (intercommunality) of a commune, for the services whose area
// served is an EPCI: a small versioned data file (data/epci.csv), not a
// table, since it changes with the COG once a year.

//go:embed data/epci.csv
var epciCSV string

// epciOf maps a commune's INSEE code to its EPCI's SIREN.
var epciOf = func() map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(epciCSV, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "code_insee,") {
			continue
		}
		f := strings.Split(line, ",")
		if len(f) >= 2 {
			m[f[0]] = f[1]
		}
	}
	return m
}()

// EPCIOf returns the SIREN of the EPCI commune belongs to, "" when the
// data file does not know it.
func EPCIOf(commune string) string { return epciOf[commune] }
