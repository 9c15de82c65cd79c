package flows

import (
	_ "embed"
	"fmt"

	"github.com/oauthlab/oauthlab/internal/textdoc"
)

// labsMD is the lab handbook: every lab's title, story, protection, RFC
// sections and fix, a section a lab, for the person who edits the texts.
//
//go:embed labs.md
var labsMD []byte

// handbook is labs.md read once: the labs with their texts and no steps,
// in the handbook's order. A malformed file stops the program as it
// starts, as template.Must does.
var handbook = mustHandbook(labsMD)

// handbookDoc is the form of labs.md: a section a lab, headed with its
// name.
var handbookDoc = textdoc.Schema{Level: 2, Required: []string{"Title", "Story", "Protection", "RFC", "Fix"}}

func mustHandbook(doc []byte) []Lab {
	labs, err := parseHandbook(doc)
	if err != nil {
		panic("flows: labs.md: " + err.Error())
	}
	return labs
}

func parseHandbook(doc []byte) ([]Lab, error) {
	entries, err := handbookDoc.Parse(doc)
	if err != nil {
		return nil, err
	}
	labs := make([]Lab, len(entries))
	for i, e := range entries {
		f := e.Fields
		labs[i] = Lab{Name: e.Name, Title: f["Title"], Story: f["Story"], Protection: f["Protection"], RFC: f["RFC"], Fix: f["Fix"]}
	}
	return labs, nil
}

// withTexts is l with its texts from the handbook. A lab the handbook has
// no section for is a mistake the tests catch (TestHandbook).
func withTexts(l Lab) Lab {
	for _, t := range handbook {
		if t.Name == l.Name {
			l.Title, l.Story, l.Protection, l.RFC, l.Fix = t.Title, t.Story, t.Protection, t.RFC, t.Fix
			return l
		}
	}
	panic(fmt.Sprintf("flows: labs.md has no section %q", l.Name))
}
