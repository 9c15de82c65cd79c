package oauth

import (
	"bytes"
	"encoding/json"
	"slices"
)

// ClaimFamily is who defines a claim or a header parameter.
type ClaimFamily string

// The families of ClaimDocs. Custom is a claim nobody in this dictionary
// defines: the issuer's own (a mapper, a custom claim of an authorization
// server), whose meaning only its configuration tells.
const (
	FamilyJWS      ClaimFamily = "JWS"      // RFC 7515 §4.1 header parameters
	FamilyJWT      ClaimFamily = "JWT"      // RFC 7519 §4.1 registered claims
	FamilyOIDC     ClaimFamily = "OIDC"     // OpenID Connect Core §2, §5.1 and its companions
	FamilyOAuth    ClaimFamily = "OAuth"    // RFC 9068, RFC 8693, RFC 7800
	FamilyKeycloak ClaimFamily = "Keycloak" // what Keycloak adds
	FamilyOkta     ClaimFamily = "Okta"     // what Okta adds
	FamilyCustom   ClaimFamily = "custom"
)

// ClaimDoc is what one claim or header parameter means, in one line, and
// where that is written.
type ClaimDoc struct {
	Name    string      `json:"name"`
	Meaning string      `json:"meaning"`
	Source  string      `json:"source,omitempty"`
	Family  ClaimFamily `json:"family"`
}

// Custom reports whether nobody in the dictionary defines the claim.
func (d ClaimDoc) Custom() bool { return d.Family == FamilyCustom }

// customMeaning is what a claim nobody defines is said to mean.
const customMeaning = "custom: not defined by the JWT, OpenID Connect or OAuth RFCs, nor by Keycloak or Okta — this issuer's own (a mapper or a custom claim)"

// headerDocs are the JOSE header parameters (RFC 7515 §4.1).
var headerDocs = docs(FamilyJWS,
	"alg", "the algorithm that signed the token; check it against the one you expect, never trust it blindly", "RFC 7515 §4.1.1",
	"jku", "a URL of the signer's key set; a verifier must not fetch keys from a URL the token names", "RFC 7515 §4.1.2",
	"jwk", "the signing key itself, embedded; a token that brings its own key proves nothing", "RFC 7515 §4.1.3",
	"kid", "which key of the issuer's jwks_uri signed it", "RFC 7515 §4.1.4",
	"x5u", "a URL of the signer's X.509 certificate chain", "RFC 7515 §4.1.5",
	"x5c", "the signer's X.509 certificate chain, embedded", "RFC 7515 §4.1.6",
	"x5t", "SHA-1 thumbprint of the signer's X.509 certificate", "RFC 7515 §4.1.7",
	"x5t#S256", "SHA-256 thumbprint of the signer's X.509 certificate", "RFC 7515 §4.1.8",
	"typ", "the media type of the whole token: JWT, or at+jwt for an RFC 9068 access token", "RFC 7515 §4.1.9",
	"cty", "the media type of the payload (JWT when a JWT is nested)", "RFC 7515 §4.1.10",
	"crit", "extensions the verifier must understand, or reject the token", "RFC 7515 §4.1.11",
)

// claimDocs are the claims of JWTs, ID tokens and access tokens.
var claimDocs = merge(
	docs(FamilyJWT,
		"iss", "issuer: the authorization server that made the token", "RFC 7519 §4.1.1",
		"sub", "subject: the user (or the client, for client credentials) the token is about", "RFC 7519 §4.1.2",
		"aud", "audience: who must accept it (an API, or the client for an ID token)", "RFC 7519 §4.1.3",
		"exp", "expiry: no one may accept it after this time", "RFC 7519 §4.1.4",
		"nbf", "not before: no one may accept it before this time", "RFC 7519 §4.1.5",
		"iat", "issued at: when the token was made", "RFC 7519 §4.1.6",
		"jti", "JWT id: unique per token, so a replay can be spotted", "RFC 7519 §4.1.7",
	),
	docs(FamilyOIDC,
		"auth_time", "when the user last actually signed in (not when this token was made)", "OIDC Core §2",
		"nonce", "the value the client sent to bind this ID token to its request (replay defence)", "OIDC Core §2",
		"acr", "how strongly the user was authenticated (Keycloak: 1 password, 0 a remembered session)", "OIDC Core §2",
		"amr", "how the user authenticated: pwd, otp, mfa, …", "OIDC Core §2",
		"azp", "authorized party: the client the token was issued to", "OIDC Core §2",
		"at_hash", "half a hash of the access token issued with this ID token, binding the two", "OIDC Core §3.1.3.6",
		"c_hash", "half a hash of the authorization code issued with this ID token", "OIDC Core §3.3.2.11",
		"sid", "the sign-in session at the server, which logout names", "OIDC Front-Channel Logout §3",
		"name", "the user's full name", "OIDC Core §5.1",
		"given_name", "the user's first name", "OIDC Core §5.1",
		"family_name", "the user's last name", "OIDC Core §5.1",
		"middle_name", "the user's middle name", "OIDC Core §5.1",
		"nickname", "the user's casual name", "OIDC Core §5.1",
		"preferred_username", "the name the user goes by (not unique, not stable: key on sub)", "OIDC Core §5.1",
		"profile", "the URL of the user's profile page", "OIDC Core §5.1",
		"picture", "the URL of the user's picture", "OIDC Core §5.1",
		"website", "the URL of the user's web site", "OIDC Core §5.1",
		"email", "the user's email address (trust it only with email_verified)", "OIDC Core §5.1",
		"email_verified", "whether the server verified the user owns the email address", "OIDC Core §5.1",
		"gender", "the user's gender", "OIDC Core §5.1",
		"birthdate", "the user's birthday, YYYY-MM-DD", "OIDC Core §5.1",
		"zoneinfo", "the user's time zone, e.g. Europe/Paris", "OIDC Core §5.1",
		"locale", "the user's locale, e.g. fr-FR", "OIDC Core §5.1",
		"phone_number", "the user's phone number", "OIDC Core §5.1",
		"phone_number_verified", "whether the server verified the user owns the phone number", "OIDC Core §5.1",
		"address", "the user's postal address (a JSON object)", "OIDC Core §5.1",
		"updated_at", "when the user's profile was last changed", "OIDC Core §5.1",
	),
	docs(FamilyOAuth,
		"client_id", "the client that obtained the token", "RFC 9068 §2.2",
		"scope", "what the token grants, space-separated scopes", "RFC 9068 §2.2.3",
		"groups", "groups the subject belongs to", "RFC 9068 §2.2.3.1",
		"roles", "roles the subject has", "RFC 9068 §2.2.3.1",
		"entitlements", "entitlements the subject has", "RFC 9068 §2.2.3.1",
		"act", "actor: who acts for the subject (token exchange, delegation)", "RFC 8693 §4.1",
		"may_act", "who may act for the subject", "RFC 8693 §4.4",
		"cnf", "confirmation: the key the sender must prove it holds (proof of possession)", "RFC 7800 §3.1",
	),
	docs(FamilyKeycloak,
		"typ", "Keycloak's kind of token: Bearer (access), ID, Refresh, Logout", "Keycloak",
		"realm_access", "the user's realm roles: {\"roles\": [...]}", "Keycloak",
		"resource_access", "the user's client roles, per client: {\"client\": {\"roles\": [...]}}", "Keycloak",
		"allowed-origins", "the web origins a browser may call from with this token (CORS)", "Keycloak",
		"session_state", "the Keycloak session id (the same as sid, older name)", "Keycloak",
		"clientId", "the client a service account token was issued to", "Keycloak",
		"clientHost", "the host the client-credentials request came from", "Keycloak",
		"clientAddress", "the IP address the client-credentials request came from", "Keycloak",
		"not-before-policy", "tokens issued before this time are revoked (0: no such policy)", "Keycloak",
		"trusted-certs", "certificates trusted for this client", "Keycloak",
	),
	docs(FamilyOkta,
		"ver", "the version of Okta's token format (1)", "Okta",
		"cid", "the client id the token was issued to", "Okta",
		"uid", "the Okta user id of the subject", "Okta",
		"scp", "the scopes the token grants, as an array", "Okta",
		"idp", "the identity provider that authenticated the user", "Okta",
	),
)

// docs reads triples name, meaning, source.
func docs(f ClaimFamily, triples ...string) map[string]ClaimDoc {
	m := make(map[string]ClaimDoc, len(triples)/3)
	for i := 0; i+2 < len(triples); i += 3 {
		m[triples[i]] = ClaimDoc{Name: triples[i], Meaning: triples[i+1], Source: triples[i+2], Family: f}
	}
	return m
}

// merge joins families; a name in several keeps the first: the standard
// over a vendor's use of it. (Keycloak's typ claim is not the JOSE typ
// header, which headerDocs explains.)
func merge(ms ...map[string]ClaimDoc) map[string]ClaimDoc {
	out := map[string]ClaimDoc{}
	for _, m := range ms {
		for k, v := range m {
			if _, ok := out[k]; !ok {
				out[k] = v
			}
		}
	}
	return out
}

// ExplainClaim is what a payload claim means; a name nobody defines is
// FamilyCustom.
func ExplainClaim(name string) ClaimDoc {
	if d, ok := claimDocs[name]; ok {
		return d
	}
	return ClaimDoc{Name: name, Meaning: customMeaning, Family: FamilyCustom}
}

// ExplainHeader is what a JOSE header parameter means; a name nobody
// defines is FamilyCustom.
func ExplainHeader(name string) ClaimDoc {
	if d, ok := headerDocs[name]; ok {
		return d
	}
	return ClaimDoc{Name: name, Meaning: "custom: not a header parameter of RFC 7515 — this issuer's own", Family: FamilyCustom}
}

// Explain explains the token's header parameters and claims in the order
// the issuer wrote them (a name written twice once, where it first
// appears).
func (t *JWT) Explain() (header, claims []ClaimDoc) {
	for _, n := range memberNames(t.HeaderJSON, t.Header) {
		header = append(header, ExplainHeader(n))
	}
	for _, n := range memberNames(t.ClaimsJSON, t.Claims) {
		claims = append(claims, ExplainClaim(n))
	}
	return header, claims
}

// memberNames are the names of the JSON object b in order; when b cannot
// be read token by token, the keys of m sorted.
func memberNames(b []byte, m map[string]any) []string {
	dec := json.NewDecoder(bytes.NewReader(b))
	var names []string
	seen := map[string]bool{}
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return sortedKeys(m)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return sortedKeys(m)
		}
		name, _ := t.(string)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return sortedKeys(m)
		}
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	return names
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
