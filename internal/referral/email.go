package referral

import (
	"context"
	"fmt"
	"strings"

	"parcours/internal/file"
	"parcours/internal/outbox"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// mailExternal queues, in the referral's transaction, the e-mail telling
// a service outside Parcours (no organisation on this instance) of the
// referral, when the service has an address and the sending
// organisation's SMTP is set (issue 10 item 4). It says less than the
// printed letter — who (name, birth date, phone, as on the letter), to
// which service, why, on which basis, and the reference — and nothing of
// the extract (journal entries, documents, tasks), which stays on the
// letter the person carries: an e-mail crosses servers Parcours does not
// control. Once per referral (key referral:<id>); audited referral.email.
func mailExternal(ctx context.Context, tx *store.Tx, f *file.File, sv *parcours.Service, r *parcours.Referral) error {
	if sv.OrgID != "" || !parcours.ValidEmail(strings.TrimSpace(sv.Courriel)) {
		return nil
	}
	set, err := tx.MessagingSettings(ctx, r.FromOrgID)
	if err != nil || !set.EmailReady() {
		return err
	}
	orgName := ""
	if o, err := tx.Organization(ctx, r.FromOrgID); err == nil {
		orgName = o.Name
	}
	p := f.Person
	var b strings.Builder
	fmt.Fprintf(&b, "Bonjour,\n\n%s oriente vers votre service « %s » la personne suivante :\n\n", orgName, sv.Nom)
	fmt.Fprintf(&b, "%s, date de naissance : %s\n", p.DisplayName(), frenchDay(p.BirthDate))
	if p.Phone != "" {
		fmt.Fprintf(&b, "Téléphone : %s\n", p.Phone)
	}
	fmt.Fprintf(&b, "\nMotif de l'orientation : %s\n", r.Reason)
	if r.Basis == "consent" {
		fmt.Fprintf(&b, "Partage avec l'accord de la personne (%s).\n", frenchDay(r.ConsentOn))
	} else if r.LegalGround != "" {
		fmt.Fprintf(&b, "Partage sur le fondement : %s\n", r.LegalGround)
	}
	b.WriteString("\nLe courrier d'orientation, avec les éléments du dossier utiles, est remis à la personne.\n")
	b.WriteString("Pour nous répondre, écrivez à l'adresse d'expédition de ce message.\n")
	fmt.Fprintf(&b, "\nRéférence : %s\n%s\n", r.ID, orgName)
	fresh, err := outbox.Enqueue(ctx, tx, outbox.Message{OrgID: r.FromOrgID, Key: "referral:" + r.ID, Channel: parcours.ChannelEmail,
		Kind: "referral", PersonID: p.ID, To: strings.TrimSpace(sv.Courriel), Subject: "Orientation : " + orgName, Body: b.String()})
	if err != nil {
		return err
	}
	if fresh {
		f.Audit("referral.email", "referral", r.ID)
	}
	return nil
}

// frenchDay writes YYYY-MM-DD as DD/MM/YYYY.
func frenchDay(d string) string {
	if len(d) == 10 {
		return d[8:10] + "/" + d[5:7] + "/" + d[0:4]
	}
	return d
}
