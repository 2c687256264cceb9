package web

// RenderGenericPages makes the localised pages render from their generic
// template (on) or from their translated copies (off).
func RenderGenericPages(on bool) { genericPages.Store(on) }
