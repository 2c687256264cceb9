package web

// importPageRoutes registers the CSV import page.
func (s *Server) importPageRoutes() {}
