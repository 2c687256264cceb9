package export

import (
	"fmt"
	"strings"
	"time"

	"parcours/internal/accesslog"
	"parcours/internal/i18n"
	"parcours/internal/letters"
)

// PDF prints the copy of the file, readable by the person: the same
// content as the JSON document, in French (the letters' language), with
// what it leaves out and why.
func PDF(x *File) ([]byte, error) {
	const lang = "fr"
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	p := x.Person
	c := letters.Copy{OrgName: x.Organization.Name, Title: "Copie de votre dossier — " + p.DisplayName(),
		Intro: []string{
			"Ce document est la copie des informations que " + x.Organization.Name + " détient sur vous (RGPD, article 15), " +
				"établie le " + x.ExportedAt.In(paris()).Format("02/01/2006 à 15:04") + ".",
			"La même copie existe au format JSON, lisible par un autre logiciel (article 20).",
		}}
	id := letters.Section{Heading: "Identité"}
	add := func(s *letters.Section, label, v string) {
		if strings.TrimSpace(v) != "" {
			s.Fields = append(s.Fields, [2]string{label, v})
		}
	}
	add(&id, "Nom de naissance", p.BirthName)
	add(&id, "Nom d'usage", p.UsageName)
	add(&id, "Prénoms", p.FirstNames)
	add(&id, "Date de naissance", frDate(p.BirthDate))
	add(&id, "Lieu de naissance", p.BirthPlace)
	add(&id, "Téléphone", p.Phone)
	add(&id, "Courriel", p.Email)
	add(&id, "Adresse", strings.TrimSpace(strings.Join([]string{p.Address.Line1, p.Address.Line2, p.Address.PostalCode + " " + p.Address.City}, " ")))
	add(&id, "N° de sécurité sociale", p.NIR)
	add(&id, "N° allocataire CAF", p.CAFNumber)
	c.Sections = append(c.Sections, id)

	if h := x.Household; h != nil {
		s := letters.Section{Heading: "Foyer"}
		for _, m := range h.Members {
			who := "Autre membre"
			if m.Self {
				who = "Vous"
			}
			s.Items = append(s.Items, who+" — "+t("relationship."+m.Relationship))
		}
		if h.Situation != nil {
			add(&s, "Logement", t("housing."+h.Situation.Housing))
			add(&s, "Situation depuis le", frDate(h.Situation.ValidFrom))
		}
		c.Sections = append(c.Sections, s)
	}

	acc := letters.Section{Heading: "Accompagnements", Empty: "Aucun accompagnement."}
	for _, a := range x.Accompaniments {
		line := a.Kind + " — depuis le " + frDate(a.StartDate)
		if a.EndDate != "" {
			line += ", fini le " + frDate(a.EndDate)
		}
		acc.Items = append(acc.Items, line)
	}
	c.Sections = append(c.Sections, acc)

	j := letters.Section{Heading: "Journal des interventions", Empty: "Aucune entrée."}
	for _, e := range x.Journal {
		j.Items = append(j.Items, frDate(e.OccurredAt)+" — "+t("entry_kind."+e.Kind)+" : "+e.Summary)
	}
	c.Sections = append(c.Sections, j)

	d := letters.Section{Heading: "Documents", Empty: "Aucun document."}
	for _, doc := range x.DocumentFiles {
		d.Items = append(d.Items, doc.Title+" ("+doc.ContentType+")")
	}
	c.Sections = append(c.Sections, d)

	r := letters.Section{Heading: "Vos demandes sur vos données", Empty: "Aucune demande."}
	for _, q := range x.DataRequests {
		line := "Reçue le " + frDate(q.ReceivedOn) + " — " + t("data_request.kind."+q.Kind) + ", réponse due le " + frDate(q.DueOn)
		if q.AnsweredOn != "" {
			line += " ; répondue le " + frDate(q.AnsweredOn)
		}
		r.Items = append(r.Items, line)
	}
	c.Sections = append(c.Sections, r)

	l := letters.Section{Heading: "Qui a consulté votre dossier", Empty: "Aucune consultation."}
	for _, e := range x.AccessLog {
		l.Items = append(l.Items, e.At.In(paris()).Format("02/01/2006 15:04")+" — "+accesslog.Sentence(lang, e))
	}
	c.Sections = append(c.Sections, l)

	if n := x.ReplyNotice; n != nil {
		s := letters.Section{Heading: "Avis de réponse par e-mail"}
		add(&s, "Adresse", n.Email)
		add(&s, "Accord donné le", n.ConsentAt.In(paris()).Format("02/01/2006 à 15:04"))
		c.Sections = append(c.Sections, s)
	}

	left := letters.Section{Heading: "Ce que cette copie ne contient pas", Empty: "Rien n'a été retiré."}
	for _, x := range x.Left {
		left.Items = append(left.Items, fmt.Sprintf("%s (%d) : %s", x.Part, x.Count, x.Reason))
	}
	c.Sections = append(c.Sections, left)
	return letters.FileCopy(c)
}

func frDate(s string) string {
	if len(s) != 10 {
		return s
	}
	return s[8:10] + "/" + s[5:7] + "/" + s[0:4]
}

func paris() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}
