package cli

import (
	"flag"
	"fmt"
	"os"

	"parcours/internal/app"
)

// serveReview holds serve's option of the « relecture éthique ».
var serveReview struct {
	lexicon string
}

// reviewFlags adds serve's --review-lexicon: an organisation's own words,
// added to the built-in lexicon of internal/review.
func reviewFlags(fs *flag.FlagSet, c *Common) {
	fs.StringVar(&serveReview.lexicon, "review-lexicon", os.Getenv("PARCOURS_REVIEW_LEXICON"),
		"file of the organisation's own words for the « relecture éthique », in the format of internal/review/data/lexicon.tsv, added to the built-in lexicon (env PARCOURS_REVIEW_LEXICON)")
}

// applyReview loads the --review-lexicon file into a, if one is named. A
// file that cannot be read or parsed stops serve with one readable line.
func applyReview(a *app.App) error {
	if serveReview.lexicon == "" {
		return nil
	}
	b, err := os.ReadFile(serveReview.lexicon)
	if err != nil {
		return &usageError{fmt.Sprintf("review lexicon: %v", err)}
	}
	if err := a.NoteFlags.UseLexicon(b); err != nil {
		return &usageError{err.Error()}
	}
	return nil
}
