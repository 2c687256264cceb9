package letters

import (
	"strings"
	"testing"
)

func TestMandateForm_ShowsThePersonTheWorkerAndTheProcedures(t *testing.T) {
	t.Parallel()
	b, err := MandateForm(Mandate{OrgName: "CCAS de Lille", PersonName: "Léa MARTIN", BirthDate: "1990-04-12", WorkerName: "Inès Dupré",
		Procedures: []string{"Revenu de solidarité active (RSA)", "Prime d'activité"}, StartDate: "2026-12-01", EndDate: "2027-11-30", Reference: "m-1"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatalf("not a PDF: %q", b[:20])
	}
	text := Text(b)
	for _, want := range []string{"Léa MARTIN", "12/04/1990", "Inès Dupré", "Prime d'activité", "01/12/2026", "30/11/2027", "révoquer"} {
		if !strings.Contains(text, want) {
			t.Errorf("mandate lacks %q:\n%s", want, text)
		}
	}
}
