package web

// portalLinks are the person portal's pages, in the order of its menu.
var portalLinks = []struct{ href, key string }{
	{"/moi", "portal.nav.identity"},
	{"/moi/suivi", "portal.nav.follow"},
	{"/moi/documents", "portal.nav.documents"},
	{"/moi/pre-diagnostic", "portal.nav.prescreening"},
	{"/moi/messages", "portal.nav.messages"},
	{"/moi/journal", "portal.nav.journal"},
	{"/moi/acces", "portal.nav.access_log"},
	{"/moi/demandes", "portal.nav.requests"},
	{"/moi/copie", "portal.nav.export"},
	{"/moi/delegues", "portal.nav.delegates"},
	{"/moi/compte", "portal.nav.account"},
}

// portalNav is the portal's menu with the current page marked.
func portalNav(path string) []navItem {
	out := make([]navItem, 0, len(portalLinks))
	for _, l := range portalLinks {
		out = append(out, navItem{Href: l.href, Key: l.key, Current: path == l.href})
	}
	return out
}
