package parcours

import "testing"

func TestEuros_FrenchFormAndParsing(t *testing.T) {
	for cents, want := range map[int64]string{187450: "1\u00a0874,50\u00a0€", 5: "0,05\u00a0€", 100_000_00: "100\u00a0000,00\u00a0€", -1230: "-12,30\u00a0€"} {
		if got := FormatEuros(cents); got != want {
			t.Errorf("FormatEuros(%d) = %q, want %q", cents, got, want)
		}
	}
	for in, want := range map[string]int64{"1 874,50": 187450, "1874.5": 187450, "200": 20000, "0,05 €": 5, "-3": -300, "1\u00a0000": 100000} {
		if got, ok := ParseEuros(in); !ok || got != want {
			t.Errorf("ParseEuros(%q) = %d, %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "abc", "1,234", "12,3,4", "1e5", "--1"} {
		if _, ok := ParseEuros(in); ok {
			t.Errorf("ParseEuros(%q) accepted", in)
		}
	}
}
