package access

import "parcours/internal/parcours"

// FileExport is the copy of a person's file given to the person (RGPD
// art. 15 and 20), made by a worker who follows them. It moves the whole
// file out of Parcours: never under a break-glass alone, never through a
// referral's share.
const FileExport Action = "file.export"

func init() {
	for _, r := range []parcours.Role{parcours.RoleWorker, parcours.RoleManager} {
		roleActions[r][FileExport] = true
	}
	lasting[FileExport] = true
	readOf[FileExport] = PersonRead
}
