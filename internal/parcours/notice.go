package parcours

import "time"

// Notice is what an organisation tells the persons it accompanies about
// their data (RGPD art. 13, CASF L121-6-2). Each text is the
// organisation's own; an empty one is replaced, when shown, by the plain-
// language default of the reader's language.
type Notice struct {
	OrgID             string    `json:"organization_id"`
	OrgName           string    `json:"organization_name"`
	ControllerAddress string    `json:"controller_address"`
	Purpose           string    `json:"purpose"`
	LegalBasis        string    `json:"legal_basis"`
	Recipients        string    `json:"recipients"`
	Retention         string    `json:"retention"`
	DPOContact        string    `json:"dpo_contact"`
	UpdatedAt         time.Time `json:"updated_at,omitzero"`
}

// NoticeMaxLen bounds each text of a notice: a notice is read by people
// in front of a desk, not a contract.
const NoticeMaxLen = 1500
