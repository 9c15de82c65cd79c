package flows

import (
	"net/http"
	"slices"
	"strings"

	"github.com/oauthlab/oauthlab/oauth"
)

// MissingScopes are the scopes an API call's result says its token lacks:
// the scope of the RFC 6750 §3 challenge of a 403 insufficient_scope
// answer, less those in have. Nil for any other result.
func MissingScopes(r Result, have []string) []string {
	for i := len(r.Exchanges) - 1; i >= 0; i-- {
		ex := r.Exchanges[i]
		if ex.Status != http.StatusForbidden {
			continue
		}
		c := oauth.ParseBearerChallenge(ex.ResponseHeader.Get("WWW-Authenticate"))
		if c == nil || c.Error != "insufficient_scope" {
			return nil
		}
		var out []string
		for _, s := range strings.Fields(c.Scope) {
			if !slices.Contains(have, s) && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
