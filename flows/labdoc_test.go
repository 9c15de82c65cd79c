package flows

import (
	"slices"
	"strings"
	"testing"
)

// Every lab has its five texts from the handbook, and the handbook has a
// section for every lab and no other, in the order `oauthlab lab` lists.
func TestHandbook(t *testing.T) {
	var labs, sections []string
	for _, l := range Labs() {
		labs = append(labs, l.Name)
		for field, text := range map[string]string{"Title": l.Title, "Story": l.Story, "Protection": l.Protection, "RFC": l.RFC, "Fix": l.Fix} {
			if text == "" {
				t.Errorf("lab %s has no %s", l.Name, field)
			}
		}
	}
	for _, s := range handbook {
		sections = append(sections, s.Name)
		if _, ok := LabByName(s.Name); !ok {
			t.Errorf("labs.md has a section %q, but there is no such lab", s.Name)
		}
	}
	if !slices.Equal(sections, labs) {
		t.Errorf("labs.md's sections are %v, want the labs in order: %v", sections, labs)
	}
}

// A malformed or incomplete handbook is refused, with what is wrong.
func TestHandbookRefusesMalformed(t *testing.T) {
	const section = "## alg-none\n\nTitle: alg: none, an unsigned token\n"
	tests := []struct {
		name, old, new, want string
	}{
		{"no Title", section, "## alg-none\n", "alg-none (line 17) has no Title"},
		{"unknown field", section, section + "\nMoral: check alg\n", `unknown field "Moral"`},
		{"second section", section, section + "\nStory: s\n\nProtection: p\n\nRFC: r\n\nFix: f\n\n" + section, `a second entry "alg-none"`},
		{"field twice", section, section + "\nTitle: again\n", "field Title given twice"},
		{"missing blank line", section, section + "Story: s\n", "put a blank line before it"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := string(labsMD)
			if !strings.Contains(doc, tc.old) {
				t.Fatalf("labs.md has no %q to change", tc.old)
			}
			_, err := parseHandbook([]byte(strings.Replace(doc, tc.old, tc.new, 1)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
