package parcours

import "time"

// Sex as recorded on civil-status documents; "X" when unknown or not
// stated.
type Sex string

const (
	SexFemale  Sex = "F"
	SexMale    Sex = "M"
	SexUnknown Sex = "X"
)

// Valid reports whether s is a known value.
func (s Sex) Valid() bool { return s == SexFemale || s == SexMale || s == SexUnknown }

// Address is a French postal address.
type Address struct {
	Line1      string `json:"line1,omitempty"`
	Line2      string `json:"line2,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	City       string `json:"city,omitempty"`
}

// Person is someone accompanied (usager). They may have no account.
type Person struct {
	ID         string  `json:"id"`
	OrgID      string  `json:"organization_id"`
	BirthName  string  `json:"birth_name"`
	UsageName  string  `json:"usage_name"`
	FirstNames string  `json:"first_names"`
	BirthDate  string  `json:"birth_date"` // YYYY-MM-DD
	BirthPlace string  `json:"birth_place,omitempty"`
	Sex        Sex     `json:"sex"`
	Phone      string  `json:"phone,omitempty"`
	Email      string  `json:"email,omitempty"`
	Address    Address `json:"address"`
	// NIR is the social-security number; field-level access applies.
	NIR         string    `json:"nir,omitempty"`
	CAFNumber   string    `json:"caf_number,omitempty"`
	HouseholdID string    `json:"household_id"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	// Version increases on each change; PATCH may send it to avoid lost
	// updates.
	Version int `json:"version"`
}

// DisplayName is "NOM Prénom", the usage name first when there is one.
func (p Person) DisplayName() string {
	name := p.BirthName
	if p.UsageName != "" {
		name = p.UsageName
	}
	return name + " " + p.FirstNames
}

// Relationship of a household member to the reference person.
type Relationship string

const (
	RelReference   Relationship = "reference"    // personne de référence
	RelSpouse      Relationship = "conjoint"     // conjoint·e, partenaire
	RelChild       Relationship = "enfant"       // enfant à charge
	RelOtherChild  Relationship = "enfant_autre" // enfant non à charge
	RelParent      Relationship = "ascendant"
	RelOtherFamily Relationship = "autre_famille"
	RelOther       Relationship = "autre" // hébergé·e, colocataire
)

// Relationships lists every relationship, in order of the UI.
var Relationships = []Relationship{RelReference, RelSpouse, RelChild, RelOtherChild, RelParent, RelOtherFamily, RelOther}

// Valid reports whether r is known.
func (r Relationship) Valid() bool {
	for _, x := range Relationships {
		if x == r {
			return true
		}
	}
	return false
}

// Household is the people who live together.
type Household struct {
	ID        string            `json:"id"`
	OrgID     string            `json:"organization_id"`
	Name      string            `json:"name"`
	Members   []HouseholdMember `json:"members"`
	Situation *Situation        `json:"situation,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
}

// HouseholdMember links a person to a household.
type HouseholdMember struct {
	PersonID     string       `json:"person_id"`
	Relationship Relationship `json:"relationship"`
	DisplayName  string       `json:"display_name,omitempty"`
}

// Situation is the household's living situation at a date. Each change
// writes a new row: the history is kept.
type Situation struct {
	ID            string   `json:"id"`
	HouseholdID   string   `json:"household_id"`
	Housing       string   `json:"housing"`        // see HousingKinds
	IncomeSources []string `json:"income_sources"` // see IncomeKinds
	Employment    string   `json:"employment"`     // see EmploymentKinds
	MonthlyIncome int      `json:"monthly_income_eur"`
	// Health is a free note on health-related needs; field-level access
	// applies (referent and team only).
	Health     string    `json:"health,omitempty"`
	ValidFrom  string    `json:"valid_from"` // YYYY-MM-DD
	RecordedBy string    `json:"recorded_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// Catalogue values of a situation; labels live in the translation catalogue
// under "housing.<value>", "income.<value>", "employment.<value>".
var (
	HousingKinds    = []string{"locataire_social", "locataire_prive", "proprietaire", "heberge_tiers", "hebergement_urgence", "chrs", "sans_domicile", "foyer", "autre"}
	IncomeKinds     = []string{"salaire", "rsa", "are", "aah", "pension_retraite", "prime_activite", "allocations_familiales", "apl", "pension_alimentaire", "aucun", "autre"}
	EmploymentKinds = []string{"cdi", "cdd", "interim", "independant", "demandeur_emploi", "formation", "retraite", "sans_activite", "etudiant", "invalidite"}
)
