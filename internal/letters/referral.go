package letters

// ReferralLetter is the letter of a referral to a service outside
// Parcours: the extract the person agreed to share, and nothing else,
// with the person's information notice on its own page.
type ReferralLetter struct {
	OrgName     string // the sending organisation
	ServiceName string
	Reference   string
	SentOn      string // YYYY-MM-DD
	PersonName  string
	BirthDate   string
	Phone       string
	Reason      string
	Note        string
	// Situation, Entries, Documents and Tasks are the extract, as lines.
	Situation []string
	Entries   []string
	Documents []string
	Tasks     []string
	Basis     string // "Accord de la personne (12/03/2026, oralement)" or the legal ground
}

// Referral prints the referral letter and the information notice.
func Referral(l ReferralLetter) ([]byte, error) {
	d := newDoc(l.OrgName, "Orientation vers « "+l.ServiceName+" »")
	d.field("Référence", l.Reference)
	d.field("Envoyée le", frDate(l.SentOn))
	d.field("Personne", l.PersonName)
	d.field("Née ou né le", frDate(l.BirthDate))
	if l.Phone != "" {
		d.field("Téléphone", l.Phone)
	}
	d.heading("Motif de l'orientation")
	d.multi(l.Reason, 6)
	if l.Note != "" {
		d.pdf.Ln(2)
		d.multi(l.Note, 6)
	}
	for _, part := range []struct {
		title string
		lines []string
	}{{"Situation", l.Situation}, {"Entrées du journal", l.Entries}, {"Documents", l.Documents}, {"Tâches", l.Tasks}} {
		if len(part.lines) == 0 {
			continue
		}
		d.heading(part.title)
		for _, s := range part.lines {
			d.multi("- "+s, 6)
		}
	}
	d.heading("Base du partage")
	d.multi(l.Basis, 6)
	d.pdf.Ln(2)
	d.multi("Ce courrier contient l'extrait du dossier strictement nécessaire à l'accompagnement, et rien d'autre "+
		"(secret professionnel partagé, article L121-6-2 du code de l'action sociale et des familles).", 6)

	d.pdf.AddPage()
	d.pdf.SetFont("Helvetica", "B", 15)
	d.multi("Information de la personne", 8)
	d.pdf.SetFont("Helvetica", "", 11)
	d.pdf.Ln(2)
	d.multi("Votre intervenant·e social·e vous oriente vers le service « "+l.ServiceName+" ». Seules les informations "+
		"listées dans le courrier d'orientation lui sont transmises, pour vous accompagner.", 6)
	d.pdf.Ln(2)
	d.multi("Vous pouvez vous opposer à ce partage, demander à voir les informations transmises et savoir qui les a "+
		"consultées, auprès de "+l.OrgName+" ou de son délégué à la protection des données.", 6)
	return d.bytes()
}
