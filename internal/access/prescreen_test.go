package access

// The actions of prescreen.go in the classification of
// TestBreakGlass_EveryFileActionIsClassified (writes are in lasting).
func init() {
	breakGlassReadsAndNotes[PrescreenRead] = true
	notAboutAFile[PrescreenStats] = true
}
