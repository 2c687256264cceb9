package access

import "parcours/internal/parcours"

// Domiciliation (élection de domicile, CASF L264-1), a legal duty of the
// structure towards every person without a stable home, not only those a
// worker follows. Case workers who follow the person record the
// application, the decision and the end, and print the attestation
// (DomiciliationWrite, lasting). The mail log (DomiciliationMail: see
// whether the person is domiciled, record a letter received, handed over
// or returned) is the front desk's daily work for every domiciled person
// of the organisation: it needs no relation to the file and opens nothing
// else of it (never the journal).
const (
	DomiciliationWrite Action = "domiciliation.write"
	DomiciliationMail  Action = "domiciliation.mail"
)

func init() {
	for _, r := range []parcours.Role{parcours.RoleWorker, parcours.RoleManager} {
		roleActions[r][DomiciliationWrite] = true
		roleActions[r][DomiciliationMail] = true
	}
	roleActions[parcours.RoleReception][DomiciliationMail] = true
	lasting[DomiciliationWrite] = true
	// Like finding a person by identity: any worker of the organisation
	// with the role, whatever their relation.
	parts[DomiciliationMail] = partIdentity
}
