package servicedir

import (
	"regexp"
	"testing"
)

// TestEPCIOf_TheWholeRhone: the data file maps every commune of the
// Rhône (Métropole de Lyon included, and Lyon's arrondissements) to one
// of its 13 EPCI, with well-formed codes.
func TestEPCIOf_TheWholeRhone(t *testing.T) {
	t.Parallel()
	insee, siren := regexp.MustCompile(`^69[0-9]{3}$`), regexp.MustCompile(`^[0-9]{9}$`)
	epcis := map[string]bool{}
	for code, s := range epciOf {
		if !insee.MatchString(code) || !siren.MatchString(s) {
			t.Errorf("%s → %s: malformed", code, s)
		}
		epcis[s] = true
	}
	if len(epciOf) != 266+9 || len(epcis) != 13 {
		t.Errorf("%d communes and arrondissements in %d EPCI, want 275 in 13", len(epciOf), len(epcis))
	}
	for code, want := range map[string]string{"69123": "200046977", "69381": "200046977", "69266": "200046977", "69091": "200046977",
		"69264": "200040590", "00000": ""} {
		if got := EPCIOf(code); got != want {
			t.Errorf("EPCIOf(%s) = %q, want %q", code, got, want)
		}
	}
}
