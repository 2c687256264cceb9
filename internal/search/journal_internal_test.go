package search

import "testing"

func TestSnippet_MarksWordsByStemAndKeepsTheText(t *testing.T) {
	text := "Demande d'hébergement d'urgence déposée au SIAO, <b>relance</b> prévue."
	stems := []string{stem("hebergements"), stem("urgence")}
	got := snippet(text, stems)
	all, hits := "", ""
	for _, s := range got {
		all += s.Text
		if s.Hit {
			hits += s.Text + "|"
		}
	}
	if all != text {
		t.Errorf("snippet text %q, want the whole text %q", all, text)
	}
	if hits != "hébergement|urgence|" {
		t.Errorf("hits %q (stems %v)", hits, stems)
	}
	for in, want := range map[string]string{"hebergements": "heberg", "hebergee": "heberg", "logements": "logement", "rsa": "rsa", "dossiers": "dossier"} {
		if got := stem(in); got != want {
			t.Errorf("stem(%q) = %q, want %q", in, got, want)
		}
	}
}
