// Package routes lists the areas of the web shell. The shell (package web)
// cannot import its areas, which import it; the wiring (internal/app)
// hands this list to web.New. A new area is a package under internal/web
// with a Register function, added here.
package routes

import (
	"parcours/internal/web"
	"parcours/internal/web/accessweb"
	"parcours/internal/web/accountweb"
	"parcours/internal/web/adminweb"
	"parcours/internal/web/agendaweb"
	"parcours/internal/web/auditweb"
	"parcours/internal/web/casefileweb"
	"parcours/internal/web/datarightsweb"
	"parcours/internal/web/homeweb"
	"parcours/internal/web/messagingweb"
	"parcours/internal/web/noticeweb"
	"parcours/internal/web/outboxweb"
	"parcours/internal/web/personweb"
	"parcours/internal/web/portalweb"
	"parcours/internal/web/referralweb"
	"parcours/internal/web/retentionweb"
	"parcours/internal/web/reviewweb"
	"parcours/internal/web/rightsweb"
	"parcours/internal/web/screeningweb"
	"parcours/internal/web/statsweb"
)

// Areas are every area of Parcours over HTTP, in registration order.
var Areas = []web.Area{
	personweb.Register,     // persons, households, search, merges, import
	homeweb.Register,       // « Ma journée »
	accountweb.Register,    // sign-in, second factor, profile, API tokens
	adminweb.Register,      // workers, teams, settings
	accessweb.Register,     // consent, break-glass, reviews, notifications
	auditweb.Register,      // access log, audit search
	casefileweb.Register,   // the person's file: accompaniments, journal, tasks, documents
	reviewweb.Register,     // « relecture éthique » of notes, managers' counts
	noticeweb.Register,     // the organisation's information notice, public
	rightsweb.Register,     // access to rights: catalogue, procedures, autonomy, mandates
	retentionweb.Register,  // retention rules, plans and their review
	datarightsweb.Register, // the person's requests about their data, with the legal clock
	referralweb.Register,   // service directory, referrals and their scoped share
	statsweb.Register,      // activity statistics and their exports
	outboxweb.Register,     // outgoing e-mails and SMS, their settings, the person's reminder choice
	screeningweb.Register,  // pre-screening of likely rights, algorithm register, non-take-up
	portalweb.Register,     // the person portal (/moi), invitations, delegates, disclosure marks
	agendaweb.Register,     // appointments, agendas, front desk, calendar feeds
	messagingweb.Register,  // secure messaging between professionals about a file
}
