package review

// subjects may stand before a reported behaviour (« il boit », « son
// mari se drogue »): pronouns, civilities before a name, family and
// neighbours.
var subjects = map[string]bool{
	"il": true, "elle": true, "ils": true, "elles": true,
	"mari": true, "femme": true, "epouse": true, "compagnon": true, "compagne": true, "conjoint": true, "conjointe": true,
	"concubin": true, "concubine": true, "pere": true, "mere": true, "fils": true, "fille": true, "frere": true, "soeur": true,
	"voisin": true, "voisine": true, "ami": true, "amie": true, "copain": true, "copine": true, "oncle": true, "tante": true,
	"monsieur": true, "madame": true, "beau": true, "belle": true, "ex": true, "parents": true,
}

var civilities = map[string]bool{"m": true, "mme": true, "mr": true, "mlle": true, "monsieur": true, "madame": true, "mademoiselle": true}

// notNames are capitalised words that are not a person's name when they
// follow a relation word (« sa mère CAF » does not happen, « sa sœur
// Marie » does).
var notNames = map[string]bool{
	"caf": true, "cpam": true, "msa": true, "rsa": true, "apl": true, "ccas": true, "cias": true, "aah": true, "mdph": true,
	"pole": true, "france": true, "le": true, "la": true, "les": true, "et": true, "a": true, "en": true, "de": true,
	"lundi": true, "mardi": true, "mercredi": true, "jeudi": true, "vendredi": true, "samedi": true, "dimanche": true,
	"elle": true, "il": true, "ils": true, "elles": true, "qui": true, "depuis": true,
}

// matchLexicon finds the lexicon's phrases, leftmost and longest first, so
// that a neutral phrase shields the words inside it.
func (a *Analyser) matchLexicon(text string, toks []token, spans []Span) []Span {
	sourced := a.sourcedSentences(toks)
	for i := 0; i < len(toks); {
		n, found := 0, false
		cands := a.byFirst[toks[i].fold]
		var alt []string
		if len(cands) == 0 && !toks[i].digits && !(toks[i].cap && !toks[i].sentStart) {
			alt = a.fuzzyForms(toks[i].fold)
		}
		try := func(ps []phrase, fuzzy bool) {
			for _, p := range ps {
				if found {
					return
				}
				if fuzzy && (len(p.words) != 1 || p.e.exact || p.e.cat == catNeutral) {
					continue
				}
				if !matchAt(toks, i, p.words, fuzzy) {
					continue
				}
				end := i + len(p.words) - 1
				if !a.conditions(toks, i, end, p.e, sourced) {
					continue
				}
				found, n = true, len(p.words)
				if p.e.cat == catNeutral {
					return
				}
				s, e := toks[i].start, toks[end].end
				if p.e.named {
					var ok bool
					s, e, ok = namedExtent(toks, i, end)
					if !ok {
						found = false
						continue
					}
				}
				spans = append(spans, Span{Start: s, End: e, Category: p.e.cat, Kind: p.e.kind, Suggestion: p.e.sugg})
				if p.e.also != "" {
					spans = append(spans, Span{Start: s, End: e, Category: p.e.also, Kind: p.e.kind})
				}
			}
		}
		try(cands, false)
		for _, f := range alt {
			if found {
				break
			}
			try(a.byFirst[f], true)
		}
		if found {
			i += n
		} else {
			i++
		}
	}
	return spans
}

// matchAt reports whether the phrase's words are at toks[i:], in one
// sentence. With fuzzy, the one word was found by fuzzyForms already.
func matchAt(toks []token, i int, ws []string, fuzzy bool) bool {
	if i+len(ws) > len(toks) {
		return false
	}
	for k, w := range ws {
		t := toks[i+k]
		if t.sent != toks[i].sent {
			return false
		}
		if fuzzy && k == 0 {
			continue
		}
		if t.fold != w {
			return false
		}
	}
	return true
}

// phraseAt is matchAt for condition phrases (exact, same sentence).
func phraseAt(toks []token, i int, ws []string, sent int) bool {
	if i < 0 || i+len(ws) > len(toks) {
		return false
	}
	for k, w := range ws {
		if toks[i+k].sent != sent || toks[i+k].fold != w {
			return false
		}
	}
	return true
}

func (a *Analyser) sourcedSentences(toks []token) map[int]bool {
	var out map[int]bool
	for i, t := range toks {
		for _, p := range a.markers[t.fold] {
			if phraseAt(toks, i, p.words, t.sent) {
				if out == nil {
					out = map[int]bool{}
				}
				out[t.sent] = true
				break
			}
		}
	}
	return out
}

// conditions checks an entry's context rules for a match at toks[i..end].
func (a *Analyser) conditions(toks []token, i, end int, e *entry, sourced map[int]bool) bool {
	sent := toks[i].sent
	if e.unsourced && sourced[sent] {
		return false
	}
	if e.subject && !hasSubject(toks, i) {
		return false
	}
	for _, p := range e.notBefore {
		for k := end + 1; k <= end+4; k++ {
			if phraseAt(toks, k, p, sent) {
				return false
			}
		}
	}
	for _, p := range e.notAfter {
		for last := i - 1; last >= i-2; last-- {
			if phraseAt(toks, last-len(p)+1, p, sent) {
				return false
			}
		}
	}
	if len(e.after) > 0 {
		ok := false
		for _, p := range e.after {
			for k := end + 1; k <= end+5 && !ok; k++ {
				ok = phraseAt(toks, k, p, sent)
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// hasSubject reports whether a subject stands right before toks[i]: a
// pronoun or a relation word (« il », « son mari »), or a name after a
// civility (« Mme Durand », « M. D. »).
func hasSubject(toks []token, i int) bool {
	if i == 0 {
		return false
	}
	p := toks[i-1]
	if p.sent != toks[i].sent {
		return false
	}
	if subjects[p.fold] {
		return true
	}
	if p.cap && i >= 2 && toks[i-2].sent == p.sent && civilities[toks[i-2].fold] {
		return true
	}
	return false
}

// isName reports whether t looks like a person's name.
func isName(t token) bool {
	return t.cap && !t.digits && !notNames[t.fold] && !(t.allCaps && len(t.fold) <= 4)
}

// namedExtent finds the proper name that goes with a relation word at
// toks[i..end] (« sa voisine Mme Petit », « son frère Karim », « Mme
// Petit, sa voisine ») and returns the span covering both.
func namedExtent(toks []token, i, end int) (start, stop int, ok bool) {
	sent := toks[i].sent
	k := end + 1
	if k < len(toks) && toks[k].sent == sent && civilities[toks[k].fold] {
		k++
	}
	if k < len(toks) && toks[k].sent == sent && isName(toks[k]) {
		stop = toks[k].end
		if k+1 < len(toks) && toks[k+1].sent == sent && isName(toks[k+1]) {
			stop = toks[k+1].end
		}
		return toks[i].start, stop, true
	}
	// « Mme Petit, sa voisine »: civility, name, possessive, relation.
	j := i - 1
	if j >= 0 && (toks[j].fold == "sa" || toks[j].fold == "son" || toks[j].fold == "ses" || toks[j].fold == "leur") {
		j--
	}
	if j >= 1 && toks[j].sent == sent && isName(toks[j]) && civilities[toks[j-1].fold] && toks[j-1].sent == sent {
		return toks[j-1].start, toks[end].end, true
	}
	return 0, 0, false
}
