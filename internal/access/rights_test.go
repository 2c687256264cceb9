package access

// The actions of rights.go in the classification of
// TestBreakGlass_EveryFileActionIsClassified (writes are in lasting).
func init() {
	for _, a := range []Action{ProcedureRead, AutonomyRead, MandateRead} {
		breakGlassReadsAndNotes[a] = true
	}
	for _, a := range []Action{RightsCatalogueRead, AidCatalogueManage} {
		notAboutAFile[a] = true
	}
}

func init() {
	breakGlassReadsAndNotes[BudgetRead], breakGlassReadsAndNotes[AidRead] = true, true
	notAboutAFile[CommissionManage] = true
}

func init() { breakGlassReadsAndNotes[DomiciliationMail] = true }
