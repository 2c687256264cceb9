package letters

// ActivityReport is the yearly activity report of a structure (rapport
// d'activité): its statistics tables as the managers' page shows them,
// small cells already suppressed (« < 5 »). It carries no name.
type ActivityReport struct {
	Org, Title, Period, Note string
	Tables                   []ReportTable
}

// ReportTable is one table of the report: its title, label and value
// columns, rows and total ("" for none).
type ReportTable struct {
	Title, LabelHeader, ValueHeader string
	Rows                            [][2]string
	Total                           [2]string
	Empty                           string
}

// Activity prints the activity report.
func Activity(r ActivityReport) ([]byte, error) {
	d := newDoc(r.Org, r.Title)
	d.line(r.Period, 6)
	d.pdf.SetFont("Helvetica", "I", 9)
	d.multi(r.Note, 5)
	d.pdf.SetFont("Helvetica", "", 10)
	for _, t := range r.Tables {
		// Keep a title with the first rows of its table.
		if _, h := d.pdf.GetPageSize(); d.pdf.GetY() > h-60 {
			d.pdf.AddPage()
		}
		d.heading(t.Title)
		if len(t.Rows) == 0 {
			d.pdf.SetFont("Helvetica", "I", 10)
			d.line(t.Empty, 6)
			d.pdf.SetFont("Helvetica", "", 10)
			continue
		}
		d.pdf.SetFont("Helvetica", "B", 10)
		d.pdf.CellFormat(120, 6, d.clean(t.LabelHeader), "B", 0, "L", false, 0, "")
		d.pdf.CellFormat(50, 6, d.clean(t.ValueHeader), "B", 1, "R", false, 0, "")
		d.pdf.SetFont("Helvetica", "", 10)
		for _, row := range t.Rows {
			d.pdf.CellFormat(120, 6, d.clean(row[0]), "", 0, "L", false, 0, "")
			d.pdf.CellFormat(50, 6, d.clean(row[1]), "", 1, "R", false, 0, "")
		}
		if t.Total[0] != "" {
			d.pdf.SetFont("Helvetica", "B", 10)
			d.pdf.CellFormat(120, 6, d.clean(t.Total[0]), "T", 0, "L", false, 0, "")
			d.pdf.CellFormat(50, 6, d.clean(t.Total[1]), "T", 1, "R", false, 0, "")
			d.pdf.SetFont("Helvetica", "", 10)
		}
	}
	return d.bytes()
}
