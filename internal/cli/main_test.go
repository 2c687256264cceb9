package cli

import (
	"testing"

	"parcours/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }
