package browsertest

import (
	"flag"
	"testing"

	"parcours/internal/store/storetest"
)

// -update-screenshots (or PARCOURS_UPDATE_SCREENSHOTS=1) rewrites
// docs/screenshots/; without it the screenshots are taken but not written,
// so `make test` leaves the tree clean.
var updateScreenshots = flag.Bool("update-screenshots", false, "rewrite docs/screenshots/")

func TestMain(m *testing.M) { storetest.Main(m, CloseBrowser) }
