package letters

import "strings"

// Decision is the decision letter of one aid request, for its applicant.
type Decision struct {
	OrgName     string
	Date        string // date of the letter, YYYY-MM-DD
	PersonName  string
	Address     []string
	AidName     string
	AskedCents  string // formatted amounts
	Decided     string // « accordée », « accordée en partie », « refusée »
	AmountText  string // the amount granted, "" when refused
	Motive      string
	CommittedOn string // the commission's date
	Reference   string
}

// DecisionLetter prints the commission's decision for the person.
func DecisionLetter(d Decision) ([]byte, error) {
	doc := newDoc(d.OrgName, "Décision : "+d.AidName)
	doc.line(d.PersonName, 6)
	for _, l := range d.Address {
		if strings.TrimSpace(l) != "" {
			doc.line(l, 6)
		}
	}
	doc.pdf.Ln(4)
	doc.field("Date", frDate(d.Date))
	doc.field("Référence", d.Reference)
	doc.pdf.Ln(2)
	doc.multi("Madame, Monsieur,", 6)
	doc.pdf.Ln(2)
	doc.multi("Votre demande d'aide « "+d.AidName+" » d'un montant de "+d.AskedCents+" a été examinée par la commission du "+
		frDate(d.CommittedOn)+".", 6)
	doc.pdf.Ln(2)
	if d.AmountText != "" {
		doc.multi("Elle a été "+d.Decided+" pour un montant de "+d.AmountText+".", 6)
	} else {
		doc.multi("Elle a été "+d.Decided+".", 6)
	}
	if d.Motive != "" {
		doc.pdf.Ln(2)
		doc.field("Motif", d.Motive)
	}
	doc.pdf.Ln(4)
	doc.multi("Vous pouvez contester cette décision par un recours gracieux auprès de la présidence du centre communal "+
		"d'action sociale dans un délai de deux mois, ou par un recours contentieux devant le tribunal administratif "+
		"dans le même délai.", 6)
	doc.pdf.Ln(4)
	doc.multi("Veuillez agréer, Madame, Monsieur, nos salutations distinguées.", 6)
	return doc.bytes()
}

// MinutesItem is one request on the minutes: no name, a reference and
// the figures the commission decided on.
type MinutesItem struct {
	Reference string
	AidName   string
	Asked     string
	Reason    string
	Budget    string // the reste à vivre per UC, or "pas de budget"
	Decision  string
	Amount    string
	Motive    string
}

// Minutes is the commission's minutes.
type Minutes struct {
	OrgName string
	MeetsOn string
	Members []string
	Items   []MinutesItem
	Total   string
}

// CommissionMinutes prints the minutes of a commission.
func CommissionMinutes(m Minutes) ([]byte, error) {
	doc := newDoc(m.OrgName, "Procès-verbal de la commission du "+frDate(m.MeetsOn))
	doc.field("Membres", strings.Join(m.Members, ", "))
	doc.field("Demandes examinées", itoa(len(m.Items)))
	for i, it := range m.Items {
		doc.heading(itoa(i+1) + ". " + it.AidName + " — demande " + it.Reference)
		doc.field("Montant demandé", it.Asked)
		doc.field("Motif de la demande", it.Reason)
		doc.field("Reste à vivre / UC", it.Budget)
		doc.field("Décision", it.Decision)
		if it.Amount != "" {
			doc.field("Montant accordé", it.Amount)
		}
		if it.Motive != "" {
			doc.field("Motif", it.Motive)
		}
	}
	doc.pdf.Ln(4)
	doc.field("Total accordé", m.Total)
	doc.signatures("La présidence", "Le secrétariat")
	return doc.bytes()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
