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

// adviseAudience adds to an access token's aud check, when it fails (an
// audience was expected and the token lacks it), how the server that
// issued the token sets aud: the embedded world's own advice
// (Settings.EmbeddedAdvice, code "aud") while the settings point at it,
// else oauth.AudienceAdvice's (Keycloak's, Okta's, or RFC 8707's resource
// for another server).
func adviseAudience(s Settings, checks []oauth.Check) {
	advice := ""
	if s.Embedded() {
		for _, a := range s.EmbeddedAdvice {
			if a.Code == AdviceAudience {
				advice = a.Try
			}
		}
	} else {
		advice = oauth.AudienceAdvice(s.Issuer)
	}
	if advice == "" {
		return
	}
	for i, c := range checks {
		// A warning only says no audience was configured to check: how
		// to change aud would answer a question nobody asked.
		if c.Name == "aud" && c.Status == oauth.Fail {
			checks[i].Reason += ". " + advice
		}
	}
}

// AdviceAudience is the Advice.Code of what the embedded world says about
// its tokens' aud, in place of Keycloak's and Okta's consoles.
const AdviceAudience = "aud"
