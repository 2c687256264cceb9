// Package letters prints the documents of access to rights as PDF
// (github.com/go-pdf/fpdf): the mandate to sign, the decision letter of an
// aid, the commission's minutes and the domiciliation attestation.
//
// Each function takes exactly the data of the one document it prints
// (one person, one household, one commission) and nothing else, so a
// letter cannot carry another household's data. The package is pure: no
// database, no HTTP, no logging.
package letters

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/go-pdf/fpdf"
)

// doc is an A4 page with the structure's header.
type doc struct {
	pdf *fpdf.Fpdf
	tr  func(string) string
}

func newDoc(org, title string) *doc {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(20, 20, 20)
	pdf.SetAutoPageBreak(true, 20)
	pdf.SetTitle(title, true)
	pdf.SetCreator("Parcours", true)
	pdf.AddPage()
	d := &doc{pdf: pdf, tr: pdf.UnicodeTranslatorFromDescriptor("")}
	pdf.SetFont("Helvetica", "B", 11)
	d.line(org, 6)
	pdf.Ln(6)
	pdf.SetFont("Helvetica", "B", 15)
	d.multi(title, 8)
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "", 11)
	return d
}

// clean keeps text printable in the core fonts (Windows-1252): the no-break
// spaces of French amounts become plain spaces, anything else unknown is
// dropped by the translator.
func (d *doc) clean(s string) string {
	s = strings.NewReplacer("\u00a0", " ", "\u202f", " ", "’", "'").Replace(s)
	return d.tr(s)
}

func (d *doc) line(s string, h float64)  { d.pdf.CellFormat(0, h, d.clean(s), "", 1, "L", false, 0, "") }
func (d *doc) multi(s string, h float64) { d.pdf.MultiCell(0, h, d.clean(s), "", "L", false) }

func (d *doc) field(label, value string) {
	d.pdf.SetFont("Helvetica", "B", 11)
	d.pdf.CellFormat(60, 6, d.clean(label), "", 0, "L", false, 0, "")
	d.pdf.SetFont("Helvetica", "", 11)
	d.pdf.MultiCell(0, 6, d.clean(value), "", "L", false)
}

func (d *doc) heading(s string) {
	d.pdf.Ln(3)
	d.pdf.SetFont("Helvetica", "B", 12)
	d.line(s, 7)
	d.pdf.SetFont("Helvetica", "", 11)
}

func (d *doc) bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := d.pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("letters: %w", err)
	}
	return buf.Bytes(), nil
}

// signatures prints signature boxes side by side.
func (d *doc) signatures(labels ...string) {
	d.pdf.Ln(8)
	w := 170.0 / float64(len(labels))
	for _, l := range labels {
		d.pdf.CellFormat(w, 6, d.clean(l), "", 0, "L", false, 0, "")
	}
	d.pdf.Ln(6)
	for range labels {
		d.pdf.CellFormat(w-5, 25, "", "1", 0, "L", false, 0, "")
		d.pdf.CellFormat(5, 25, "", "", 0, "L", false, 0, "")
	}
	d.pdf.Ln(28)
}

// frDate writes YYYY-MM-DD as DD/MM/YYYY.
func frDate(s string) string {
	if len(s) != 10 {
		return s
	}
	return s[8:10] + "/" + s[5:7] + "/" + s[0:4]
}

// Mandate is the printable mandate.
type Mandate struct {
	OrgName    string
	PersonName string
	BirthDate  string
	WorkerName string
	Procedures []string // names
	StartDate  string
	EndDate    string
	Reference  string
}

// MandateForm prints the mandate for the person and the worker to sign.
func MandateForm(m Mandate) ([]byte, error) {
	d := newDoc(m.OrgName, "Mandat pour réaliser des démarches administratives")
	d.field("Référence", m.Reference)
	d.field("Je soussigné·e", m.PersonName)
	d.field("Né·e le", frDate(m.BirthDate))
	d.pdf.Ln(2)
	d.multi("autorise "+m.WorkerName+", de la structure "+m.OrgName+", à réaliser en mon nom les démarches suivantes :", 6)
	for _, p := range m.Procedures {
		d.line("  - "+p, 6)
	}
	d.pdf.Ln(2)
	d.field("Du", frDate(m.StartDate))
	d.field("Au", frDate(m.EndDate))
	d.pdf.Ln(2)
	d.multi("Ce mandat dure au plus un an. Je peux le révoquer à tout moment, sans avoir à me justifier, en le disant "+
		"à la structure. Les informations me concernant ne servent qu'à ces démarches (RGPD) et je peux y accéder.", 6)
	d.signatures("La personne", "L'intervenant·e")
	return d.bytes()
}
