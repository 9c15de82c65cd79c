package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/oauthlab/oauthlab/ui/view"
)

// A step's results line up in one column whatever the length of their
// labels: the discovery result's token_endpoint_auth_methods is wider than
// the column set for shorter ones.
func TestResultValuesLineUp(t *testing.T) {
	outs := []view.Output{
		{Name: "issuer", Value: "http://issuer.test"},
		{Name: "token_endpoint_auth_methods", Value: "private_key_jwt client_secret_basic client_secret_post client_secret_jwt"},
		{Name: "verification_uri_complete", Value: "http://issuer.test/device?user_code=ABCD-EFGH"},
		{Name: "scope", Value: "openid"},
	}
	got := ansi.Strip(fakeModel().common().viewOutputs(outs, 78))
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	col := -1
	for _, l := range lines {
		if len(l) > 78 {
			t.Errorf("line wider than the pane: %q", l)
		}
		name, rest, _ := strings.Cut(l, " ")
		at := len(l) - len(strings.TrimLeft(rest, " "))
		if name == "" { // a value's continuation line
			at = len(l) - len(strings.TrimLeft(l, " "))
		}
		if col < 0 {
			col = at
		}
		if at != col {
			t.Errorf("a value starts at column %d, want %d (the others'):\n%s", at, col, got)
			break
		}
	}
}
