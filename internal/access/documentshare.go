package access

import "parcours/internal/parcours"

// DocumentShare is a worker marking a document of the file « partagé avec
// la personne » (it then shows, and downloads, in the person's portal) or
// taking it back: whoever may write the file's documents; it opens the
// file to someone outside, so never under a break-glass alone.
const DocumentShare Action = "document.share"

func init() {
	for _, r := range []parcours.Role{parcours.RoleWorker, parcours.RoleManager} {
		roleActions[r][DocumentShare] = true
	}
	lasting[DocumentShare] = true
	readOf[DocumentShare] = PersonRead
}
