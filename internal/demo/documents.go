package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"strings"
	"time"

	"parcours/internal/casefile"
	"parcours/internal/parcours"
)

// docSpec is a kind of document the demo attaches, with the titles it
// may bear and how long it stays valid (0: it does not expire).
type docSpec struct {
	kind   string
	titles []string
	scan   bool // a photographed card (PNG) rather than a PDF
	valid  int  // typical validity in days, 0 when none
}

// docSpecs are the documents a social worker typically keeps in a file.
// Titles name no one: the person is known from the file.
var docSpecs = []docSpec{
	{"piece_identite", []string{"Carte nationale d'identité", "Passeport", "Carte d'identité (recto verso)"}, true, 3650},
	{"titre_sejour", []string{"Titre de séjour pluriannuel", "Récépissé de demande de titre de séjour", "Carte de résident"}, true, 730},
	{"justificatif_domicile", []string{"Quittance de loyer", "Facture d'électricité", "Attestation d'hébergement", "Attestation de domiciliation"}, false, 90},
	{"avis_imposition", []string{"Avis d'imposition sur les revenus", "Avis de non-imposition"}, false, 365},
	{"bulletin_salaire", []string{"Bulletin de salaire", "Bulletins de salaire des trois derniers mois"}, false, 0},
	{"attestation_caf", []string{"Attestation de paiement CAF", "Attestation de quotient familial", "Notification de droits RSA"}, false, 180},
	{"attestation_pole_emploi", []string{"Attestation d'inscription France Travail", "Avis de situation France Travail"}, false, 90},
	{"rib", []string{"RIB", "Relevé d'identité bancaire (compte Nickel)"}, true, 0},
	{"courrier", []string{"Courrier du bailleur", "Courrier de la CAF", "Courrier de la Banque de France", "Notification MDPH"}, false, 0},
}

// DocumentStats counts what AddDocuments wrote.
type DocumentStats struct {
	Persons, Documents int
}

// AddDocuments gives about n of the accompanied persons one to four
// documents (identity papers, proofs of address, CAF certificates…) with
// small generated PDF or PNG contents. Each goes through the case file
// service as the referent of the accompaniment, so it is sniffed, stored
// under the data dir by content hash and audited exactly like an upload.
// Expiry dates are drawn around today: most later, some within the next
// 30 days (the "Pièces à renouveler" page) and some already past.
// The contents and metadata depend on seed only.
func AddDocuments(ctx context.Context, cf *casefile.Service, s *Setting, accompanied []parcours.Accompaniment, n int, seed uint64, today time.Time) (DocumentStats, error) {
	var st DocumentStats
	workers := map[string]*parcours.Worker{}
	for _, ws := range s.Workers {
		for _, w := range ws {
			workers[w.ID] = w
		}
	}
	rnd := rand.New(rand.NewPCG(seed, 0x646f6373)) // "docs"
	n = min(n, len(accompanied))
	for i := range n {
		// Spread over the list, hence over organisations and referents.
		a := accompanied[i*len(accompanied)/n]
		w := workers[a.ReferentID]
		if w == nil {
			return st, fmt.Errorf("demo: referent %s of accompaniment %s is not a demo worker", a.ReferentID, a.ID)
		}
		k := 1 + rnd.IntN(4)
		// Most files start with an identity paper; the others are drawn
		// without repeating a kind.
		order := rnd.Perm(len(docSpecs))
		if rnd.IntN(10) < 7 {
			order = append([]int{0}, without(order, 0)...)
		}
		for _, idx := range order[:k] {
			spec := docSpecs[idx]
			in := casefile.DocumentInput{Kind: spec.kind, AccompanimentID: a.ID,
				Title: spec.titles[rnd.IntN(len(spec.titles))], ExpiresOn: expiry(rnd, spec, today)}
			ref := fmt.Sprintf("DEMO-%04d-%d", i+1, idx)
			var content []byte
			var err error
			if spec.scan {
				content, err = demoPNG(rnd, ref)
			} else {
				content = demoPDF(in.Title, ref)
			}
			if err != nil {
				return st, err
			}
			if _, err := cf.AddDocument(ctx, w.Actor(), a.PersonID, in, bytes.NewReader(content)); err != nil {
				return st, fmt.Errorf("demo: document %s: %w", ref, err)
			}
			st.Documents++
		}
		st.Persons++
	}
	return st, nil
}

func without(list []int, v int) []int {
	out := make([]int, 0, len(list))
	for _, x := range list {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

// expiry draws the expiry date of a document of spec: none for kinds that
// do not expire; otherwise within the next 28 days for about one in five
// (28 rather than 30 keeps them on the 30-day list whatever the time
// zone), already past for about one in eight, and later for the rest.
func expiry(rnd *rand.Rand, spec docSpec, today time.Time) string {
	if spec.valid == 0 {
		return ""
	}
	var days int
	switch r := rnd.IntN(100); {
	case r < 20:
		days = 1 + rnd.IntN(28)
	case r < 33:
		days = -1 - rnd.IntN(180)
	default:
		days = 31 + rnd.IntN(spec.valid)
	}
	return today.AddDate(0, 0, days).Format(time.DateOnly)
}

// demoNotice is written on every generated document, so that no one takes
// one for a real paper.
const demoNotice = "Document de démonstration — aucune donnée réelle"

// demoPDF returns a one-page PDF 1.4 showing the notice, the title and a
// reference. It is written by hand: a catalog, a page tree, one page, its
// content stream and a standard font, then the cross-reference table
// whose byte offsets PDF readers use to find the objects.
func demoPDF(title, ref string) []byte {
	text := fmt.Sprintf("BT /F1 18 Tf 72 760 Td (%s) Tj ET\nBT /F1 12 Tf 72 730 Td (%s) Tj ET\nBT /F1 10 Tf 72 710 Td (%s) Tj ET\n",
		pdfString(title), pdfString(demoNotice), pdfString("Référence : "+ref))
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(text), text),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
	}
	var b bytes.Buffer
	// The comment of high bytes tells transfer tools the file is binary.
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	// Each entry is exactly 20 bytes, end of line included.
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// pdfString escapes s for a PDF literal string in WinAnsiEncoding: the
// French accented letters and the dash as octal codes, anything else
// outside it as "?".
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '—':
			b.WriteString(`\227`)
		case r == '’':
			b.WriteString(`\222`)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r >= 0xa0 && r <= 0xff: // Latin-1 letters are at the same codes
			fmt.Fprintf(&b, `\%03o`, r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// demoPNG returns a small picture standing for a scanned card: a pale
// card with a photo box and lines of "text", varied by rnd, and the
// reference hidden in its pixels so that no two documents share a content.
func demoPNG(rnd *rand.Rand, ref string) ([]byte, error) {
	const w, h = 160, 100
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	bg := color.RGBA{R: uint8(215 + rnd.IntN(40)), G: uint8(215 + rnd.IntN(40)), B: uint8(215 + rnd.IntN(40)), A: 255}
	ink := color.RGBA{R: 40, G: 50, B: 90, A: 255}
	for y := range h {
		for x := range w {
			img.Set(x, y, bg)
		}
	}
	for y := 20; y < 80; y++ { // photo box
		for x := 10; x < 50; x++ {
			img.Set(x, y, color.RGBA{R: 150, G: 160, B: 175, A: 255})
		}
	}
	for line := range 5 { // lines of text
		length := 40 + rnd.IntN(50)
		for y := 22 + line*12; y < 26+line*12; y++ {
			for x := 60; x < 60+length; x++ {
				img.Set(x, y, ink)
			}
		}
	}
	for i := range len(ref) { // the reference, one pixel per byte
		img.Set(i, h-1, color.RGBA{R: ref[i], G: ref[i], B: ref[i], A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
