package oauth

import "strings"

// Names of the checks that lint metadata against what RFC 9700 (OAuth 2.0
// Security Best Current Practice) deprecates.
const (
	CheckImplicitGrant = "implicit grant"
	CheckPasswordGrant = "password grant"
	CheckPKCEPlain     = "pkce plain"
)

// deprecatedChecks warns about what a server advertises that RFC 9700
// says not to use. Each is a Warn, not a failure: advertising a grant in
// metadata is not using it, and servers such as Keycloak list every grant
// they implement whatever each client may do — but a client allowed it is
// exposed, and that is worth checking in the server's settings.
func deprecatedChecks(md Metadata) []Check {
	var cs []Check
	// RFC 9700 §2.1.2 is about access tokens in the authorization
	// response: a response type with "token" in it. An OpenID provider
	// lists implicit among its grants for the id_token response type
	// alone (oidc-provider does), which puts no access token in a URL; so
	// implicit in grant_types_supported counts only when the response
	// types do not say otherwise.
	var implicit []string
	var tokenTypes []string
	for _, rt := range md.ResponseTypesSupported {
		if contains(strings.Fields(rt), "token") {
			tokenTypes = append(tokenTypes, quote(rt))
		}
	}
	if contains(md.GrantTypesSupported, "implicit") && (len(tokenTypes) > 0 || len(md.ResponseTypesSupported) == 0) {
		implicit = append(implicit, "grant_types_supported lists implicit")
	}
	if len(tokenTypes) > 0 {
		implicit = append(implicit, "response_types_supported lists "+strings.Join(tokenTypes, ", "))
	}
	if len(implicit) > 0 {
		cs = append(cs, Check{Name: CheckImplicitGrant, Status: Warn, Reason: "advertised (" + strings.Join(implicit, "; ") +
			"): the implicit grant returns the access token in the redirect URL, where it leaks and can be injected; " +
			"RFC 9700 §2.1.2 says clients SHOULD NOT use it — use the authorization code flow with PKCE, and disable implicit for your clients"})
	}
	if contains(md.GrantTypesSupported, "password") {
		cs = append(cs, Check{Name: CheckPasswordGrant, Status: Warn, Reason: "advertised (grant_types_supported lists password): the resource owner " +
			"password credentials grant hands the user's password to the client; RFC 9700 §2.4 says it MUST NOT be used — " +
			"disable it for your clients (Keycloak: Direct access grants; Okta: the Resource Owner Password grant type)"})
	}
	if contains(md.CodeChallengeMethodsSupported, "plain") {
		cs = append(cs, Check{Name: CheckPKCEPlain, Status: Warn, Reason: "code_challenge_methods_supported offers plain: a plain challenge is the verifier " +
			"itself, so whoever sees the authorization request can redeem the code; RFC 9700 §2.1.1 says to use S256 (RFC 7636 §7.2) — " +
			"oauthlab always sends S256"})
	}
	return cs
}
