package letters

// Domiciliation is the attestation of élection de domicile.
type Domiciliation struct {
	OrgName    string
	OrgSIRET   string
	PersonName string
	BirthDate  string
	ValidFrom  string
	ValidTo    string
	Reference  string
}

// DomiciliationAttestation prints the attestation of domiciliation (after
// the Cerfa 15548 model): the person's name, the structure's address is
// theirs for one year.
func DomiciliationAttestation(d Domiciliation) ([]byte, error) {
	doc := newDoc(d.OrgName, "Attestation d'élection de domicile")
	doc.multi("Article L264-1 du code de l'action sociale et des familles.", 6)
	doc.pdf.Ln(2)
	doc.field("Organisme", d.OrgName)
	if d.OrgSIRET != "" {
		doc.field("SIRET", d.OrgSIRET)
	}
	doc.field("Référence", d.Reference)
	doc.pdf.Ln(2)
	doc.multi("L'organisme atteste que la personne ci-dessous a élu domicile auprès de lui. Cette adresse lui permet de "+
		"recevoir son courrier et de faire valoir ses droits.", 6)
	doc.pdf.Ln(2)
	doc.field("Nom et prénoms", d.PersonName)
	doc.field("Né·e le", frDate(d.BirthDate))
	doc.field("Valable du", frDate(d.ValidFrom))
	doc.field("Au", frDate(d.ValidTo))
	doc.pdf.Ln(2)
	doc.multi("La domiciliation se renouvelle sur demande avant son terme. Elle prend fin si la personne ne se manifeste "+
		"pas pendant plus de trois mois consécutifs.", 6)
	doc.signatures("Cachet et signature de l'organisme")
	return doc.bytes()
}
