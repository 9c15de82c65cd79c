package plain

import (
	"fmt"
	"io"

	"github.com/oauthlab/oauthlab/internal/safe"
	"github.com/oauthlab/oauthlab/oauth"
)

// writeClaimDocs says what each header parameter or claim means, one a
// line under its title, the sources after the meanings:
//
//	claims    iss            issuer: the authorization server that made the token (RFC 7519 §4.1.1)
func writeClaimDocs(w io.Writer, title string, docs []oauth.ClaimDoc) {
	width := 3
	for _, d := range docs {
		width = max(width, min(18, len(safe.Line(d.Name))))
	}
	for i, d := range docs {
		label := ""
		if i == 0 {
			label = title
		}
		line := safe.Line(d.Meaning)
		if !d.Custom() {
			line += " (" + safe.Line(d.Source) + ")"
		}
		fmt.Fprintf(w, "    %-9s %-*s %s\n", label, width, safe.Line(d.Name), line)
	}
}

// ClaimDoc is a header parameter or a claim explained, in the --json
// document (tokens[].header_explained, tokens[].claims_explained).
type ClaimDoc struct {
	Name    string `json:"name"`
	Meaning string `json:"meaning"`
	// Source is where the meaning is written ("RFC 7519 §4.1.1", "OIDC
	// Core §5.1", "Keycloak", "Okta"); absent for a custom claim.
	Source string `json:"source,omitempty"`
	// Family is JWS, JWT, OIDC, OAuth, Keycloak, Okta or custom.
	Family string `json:"family"`
	Custom bool   `json:"custom"`
}

func claimDocs(docs []oauth.ClaimDoc) []ClaimDoc {
	out := make([]ClaimDoc, 0, len(docs))
	for _, d := range docs {
		out = append(out, ClaimDoc{Name: d.Name, Meaning: d.Meaning, Source: d.Source, Family: string(d.Family), Custom: d.Custom()})
	}
	return out
}
