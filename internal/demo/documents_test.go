package demo

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"parcours/internal/casefile"
	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// A PDF reader finds objects through the cross-reference table: every
// offset must land on its "N 0 obj" and startxref on the table itself.
func TestDemoPDF_CrossReferenceOffsetsPointAtObjects(t *testing.T) {
	pdf := demoPDF("Avis d'imposition (2025)", "DEMO-0001-3")
	if ct := http.DetectContentType(pdf); ct != "application/pdf" {
		t.Fatalf("sniffed as %s", ct)
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(pdf)
	if m == nil {
		t.Fatalf("no startxref trailer at the end:\n%s", pdf)
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(pdf[xref:], []byte("xref\n0 6\n")) {
		t.Fatalf("startxref %d does not point at the xref table", xref)
	}
	entries := bytes.Split(pdf[xref+len("xref\n0 6\n"):], []byte("\n"))[:6]
	for i, e := range entries[1:] {
		if len(e)+1 != 20 {
			t.Errorf("xref entry %q is %d bytes, want 20", e, len(e)+1)
		}
		off, err := strconv.Atoi(string(e[:10]))
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("%d 0 obj\n", i+1); !bytes.HasPrefix(pdf[off:], []byte(want)) {
			t.Errorf("object %d: offset %d points at %q", i+1, off, pdf[off:off+10])
		}
	}
	// The stream length is the length of what lies between the keywords.
	sm := regexp.MustCompile(`(?s)/Length (\d+) >>\nstream\n(.*?)endstream`).FindSubmatch(pdf)
	if sm == nil {
		t.Fatal("no content stream")
	}
	if n, _ := strconv.Atoi(string(sm[1])); n != len(sm[2]) {
		t.Errorf("/Length %d, stream is %d bytes", n, len(sm[2]))
	}
	// French text in WinAnsiEncoding, parentheses escaped.
	for _, want := range []string{`d\351monstration \227 aucune donn\351e r\351elle`, `Avis d'imposition \(2025\)`, `R\351f\351rence : DEMO-0001-3`} {
		if !bytes.Contains(pdf, []byte(want)) {
			t.Errorf("PDF lacks %q", want)
		}
	}
}

func TestDemoPNG_SameDrawSameBytesAndEachReferenceDiffers(t *testing.T) {
	draw := func(ref string) []byte {
		b, err := demoPNG(rand.New(rand.NewPCG(7, 7)), ref)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b, c := draw("DEMO-0001-0"), draw("DEMO-0001-0"), draw("DEMO-0002-0")
	if ct := http.DetectContentType(a); ct != "image/png" {
		t.Fatalf("sniffed as %s", ct)
	}
	if !bytes.Equal(a, b) {
		t.Error("same seed and reference, different PNG")
	}
	if bytes.Equal(a, c) {
		t.Error("two references gave the same PNG: their documents would share one content")
	}
}

// AddDocuments writes through the case file service on both backends:
// one document.create event per document by the referent, the same
// contents from the same seed, and the spread of expiry dates the demo
// promises.
func TestAddDocuments_StoredByTheReferentWithExpiriesAroundToday(t *testing.T) {
	ctx := context.Background()
	today := time.Now()
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		s, err := EnsureSetting(ctx, db, false)
		if err != nil {
			t.Fatal(err)
		}
		st, err := Populate(ctx, db, s, Options{Persons: 200, Seed: 2026, Today: today, Journals: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Accompanied) < 60 {
			t.Fatalf("only %d accompanied persons of 200", len(st.Accompanied))
		}
		cf := casefile.New(db, casefile.Config{DataDir: t.TempDir()})
		ds, err := AddDocuments(ctx, cf, s, st.Accompanied, 60, 2026, today)
		if err != nil {
			t.Fatal(err)
		}
		if ds.Persons != 60 || ds.Documents < 60 || ds.Documents > 240 {
			t.Fatalf("%+v: want 60 persons with 1 to 4 documents each", ds)
		}
		var shas []string
		var soon, expired, later, none, events int
		todayS, soonS := today.Format(time.DateOnly), today.AddDate(0, 0, 30).Format(time.DateOnly)
		// No parameters: the raw handle works on both dialects.
		err = func() error {
			rows, err := db.SQL().QueryContext(ctx, `SELECT d.sha256, d.expires_on, d.uploaded_by, a.referent_id
				FROM documents d JOIN accompaniments a ON a.id = d.accompaniment_id ORDER BY d.sha256`)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var sha, exp, by, referent string
				if err := rows.Scan(&sha, &exp, &by, &referent); err != nil {
					return err
				}
				if by != referent {
					t.Errorf("document uploaded by %s, the referent is %s", by, referent)
				}
				shas = append(shas, sha)
				switch {
				case exp == "":
					none++
				case exp < todayS:
					expired++
				case exp <= soonS:
					soon++
				default:
					later++
				}
			}
			if err := rows.Err(); err != nil {
				return err
			}
			return db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM audit_events WHERE action = 'document.create'").Scan(&events)
		}()
		if err != nil {
			t.Fatal(err)
		}
		if len(shas) != ds.Documents || events != ds.Documents {
			t.Errorf("%d rows with an accompaniment, %d audit events, for %d documents", len(shas), events, ds.Documents)
		}
		if soon == 0 || expired == 0 || later <= soon+expired || none == 0 {
			t.Errorf("expiries: %d within 30 days, %d past, %d later, %d none; want some of each, most later", soon, expired, later, none)
		}
		if n := len(slices.Compact(slices.Clone(shas))); n != len(shas) {
			t.Errorf("%d distinct contents for %d documents", n, len(shas))
		}

		// The same seed gives the same contents: a guide written against
		// the demo stays true.
		again := casefile.New(db, casefile.Config{DataDir: t.TempDir()})
		var first []parcours.Accompaniment
		for i := range 60 {
			first = append(first, st.Accompanied[i*len(st.Accompanied)/60])
		}
		if _, err := AddDocuments(ctx, again, s, first, 60, 2026, today); err != nil {
			t.Fatal(err)
		}
		var pairs int
		if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM (SELECT sha256 FROM documents GROUP BY sha256 HAVING count(*) = 2) x`).Scan(&pairs); err != nil {
			t.Fatal(err)
		}
		if pairs != len(shas) {
			t.Errorf("a second run with the same seed matched %d of %d contents", pairs, len(shas))
		}
	})
}
