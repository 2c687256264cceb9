package search

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"

	"parcours/internal/parcours"
)

// A page of results is written as encoding/json writes it with HTML
// escaping (web.WriteJSON), whatever the score (rounded or not, negative,
// zero, tiny or huge) and with or without a person.
func TestResult_AppendJSONSameBytesAsEncodingJSON(t *testing.T) {
	p := &parcours.Person{ID: "01a2256f-89c0-79c3-91f0-f5aa559486d6", OrgID: "o", BirthName: "LEFÈVRE <b>", FirstNames: "Zoé",
		BirthDate: "1985-03-12", BirthPlace: "Lyon", Sex: parcours.SexFemale, Address: parcours.Address{City: "Villeurbanne"},
		HouseholdID: "h", CreatedAt: time.Unix(1700000000, 123456000).UTC(), UpdatedAt: time.Unix(1700000001, 0).UTC(), Version: 3}
	var items []Result
	for _, s := range []float64{0, math.Copysign(0, -1), 1.55, 0.85, -0.3, round(0.1 + 0.2), 1e-7, -2.5e-9, 1e21, 123456789.125, 1.0 / 3} {
		items = append(items, Result{Person: p, Score: s}, Result{Score: s})
	}
	page := &parcours.Page[Result]{Items: items, NextCursor: "x"}
	got, ok := page.AppendJSON(nil)
	if !ok {
		t.Fatal("AppendJSON refused the page")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(page); err != nil {
		t.Fatal(err)
	}
	if want := bytes.TrimSuffix(buf.Bytes(), []byte("\n")); !bytes.Equal(got, want) {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if _, ok := (Result{Score: math.NaN()}).AppendJSON(nil); ok {
		t.Error("a NaN score was written")
	}
}
