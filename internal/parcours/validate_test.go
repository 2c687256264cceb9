package parcours

import "testing"

func TestValidSIRET(t *testing.T) {
	cases := map[string]bool{
		"73282932000074":    true, // a well-known valid SIRET
		"732 829 320 00074": true,
		"73282932000075":    false,
		"7328293200007":     false,
		"7328293200007A":    false,
		"":                  false,
	}
	for in, want := range cases {
		if got := ValidSIRET(in); got != want {
			t.Errorf("ValidSIRET(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestValidNIR(t *testing.T) {
	cases := map[string]bool{
		"185057800608491":                true,
		"1 85 05 78 006 084 91":          true,
		"185057800608436":                false,
		"2852A12345678":                  false, // too short
		"285052A12345604":                false,
		"28505" + "2A" + "123456" + "67": false,
		"985057800608436":                false, // impossible first digit
	}
	for in, want := range cases {
		if got := ValidNIR(in); got != want {
			t.Errorf("ValidNIR(%q) = %v, want %v", in, got, want)
		}
	}
	// Corsica: 2A counts as 19 for the key.
	body := "2850519123456"
	n := uint64(2850519123456)
	key := 97 - n%97
	corsican := "28505" + "2A" + body[7:] + twoDigits(key)
	if !ValidNIR(corsican) {
		t.Errorf("ValidNIR(%q) = false, want true", corsican)
	}
}

func twoDigits(k uint64) string {
	return string([]byte{byte('0' + k/10), byte('0' + k%10)})
}

func TestValidEmail(t *testing.T) {
	cases := map[string]bool{
		"a.b@ccas-exemple.fr": true,
		"a@b":                 false,
		"Jean <j@x.fr>":       false,
		"pas une adresse":     false,
		"x@y.fr.":             false,
	}
	for in, want := range cases {
		if got := ValidEmail(in); got != want {
			t.Errorf("ValidEmail(%q) = %v, want %v", in, got, want)
		}
	}
}
