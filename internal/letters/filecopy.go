package letters

// Copy is a person's copy of their file (RGPD art. 15), printed: sections
// of labelled fields and paragraphs, in the order given.
type Copy struct {
	OrgName  string
	Title    string
	Intro    []string
	Sections []Section
}

// Section is one part of the copy.
type Section struct {
	Heading string
	Fields  [][2]string // label, value
	Items   []string    // paragraphs
	Empty   string      // shown when there is nothing
}

// FileCopy prints the copy.
func FileCopy(c Copy) ([]byte, error) {
	doc := newDoc(c.OrgName, c.Title)
	for _, p := range c.Intro {
		doc.multi(p, 6)
		doc.pdf.Ln(1)
	}
	for _, s := range c.Sections {
		doc.heading(s.Heading)
		for _, f := range s.Fields {
			doc.field(f[0], f[1])
		}
		for _, it := range s.Items {
			doc.multi(it, 6)
			doc.pdf.Ln(1)
		}
		if len(s.Fields) == 0 && len(s.Items) == 0 && s.Empty != "" {
			doc.multi(s.Empty, 6)
		}
	}
	return doc.bytes()
}

// Answer is the letter answering a person's request about their data.
type Answer struct {
	OrgName    string
	PersonName string
	Date       string // YYYY-MM-DD
	Kind       string // « de rectification », …
	ReceivedOn string
	Outcome    string // « acceptée », …
	Text       string
	Reference  string
}

// AnswerLetter prints the answer to a request about one's data.
func AnswerLetter(a Answer) ([]byte, error) {
	doc := newDoc(a.OrgName, "Réponse à votre demande "+a.Kind)
	doc.line(a.PersonName, 6)
	doc.pdf.Ln(4)
	doc.field("Date", frDate(a.Date))
	doc.field("Référence", a.Reference)
	doc.field("Demande reçue le", frDate(a.ReceivedOn))
	doc.pdf.Ln(2)
	doc.multi("Madame, Monsieur,", 6)
	doc.pdf.Ln(2)
	doc.multi("Votre demande "+a.Kind+" a été "+a.Outcome+".", 6)
	if a.Text != "" {
		doc.pdf.Ln(2)
		doc.multi(a.Text, 6)
	}
	doc.pdf.Ln(4)
	doc.multi("Si cette réponse ne vous satisfait pas, vous pouvez saisir le ou la déléguée à la protection des données "+
		"de la structure, ou adresser une réclamation à la CNIL (www.cnil.fr).", 6)
	doc.pdf.Ln(4)
	doc.multi("Veuillez agréer, Madame, Monsieur, nos salutations distinguées.", 6)
	return doc.bytes()
}
