package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Metadata is an authorization server's metadata (RFC 8414 §2, OIDC
// Discovery §3).
type Metadata struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint,omitempty"`
	TokenEndpoint                     string   `json:"token_endpoint,omitempty"`
	JWKSURI                           string   `json:"jwks_uri,omitempty"`
	UserinfoEndpoint                  string   `json:"userinfo_endpoint,omitempty"`
	IntrospectionEndpoint             string   `json:"introspection_endpoint,omitempty"`
	RevocationEndpoint                string   `json:"revocation_endpoint,omitempty"`
	EndSessionEndpoint                string   `json:"end_session_endpoint,omitempty"`
	GrantTypesSupported               []string `json:"grant_types_supported,omitempty"`
	ResponseTypesSupported            []string `json:"response_types_supported,omitempty"`
	ScopesSupported                   []string `json:"scopes_supported,omitempty"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported,omitempty"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported,omitempty"`
	// DeviceAuthorizationEndpoint is RFC 8628 §4's.
	DeviceAuthorizationEndpoint string `json:"device_authorization_endpoint,omitempty"`
	// AuthorizationResponseIssParameterSupported says the server sends iss
	// with every authorization response (RFC 9207 §3): a response without
	// one must then be rejected (§2.4).
	AuthorizationResponseIssParameterSupported bool `json:"authorization_response_iss_parameter_supported,omitempty"`
	// Raw is the whole document, numbers as json.Number.
	Raw map[string]any `json:"-"`
}

// The two kinds of metadata document.
const (
	KindOpenID = "openid-configuration"       // OIDC Discovery §4
	KindOAuth  = "oauth-authorization-server" // RFC 8414 §3
)

// Discovery is what discovery found for a requested issuer.
type Discovery struct {
	// Requested is the issuer as the user gave it.
	Requested string `json:"requested"`
	// URL is the document that answered; Kind says which one it is.
	URL      string   `json:"url,omitempty"`
	Kind     string   `json:"kind,omitempty"`
	Metadata Metadata `json:"metadata"`
	Checks   []Check  `json:"checks,omitempty"`
	// Hints name common mistakes seen in this attempt: a trailing slash,
	// Keycloak's pre-17 /auth prefix, Okta's org vs custom server.
	Hints []string `json:"hints,omitempty"`
}

// DiscoveryURLs returns the documents tried for issuer, in order: OIDC
// Discovery §4.1 (append /.well-known/openid-configuration), RFC 8414 §3.1
// (insert /.well-known/oauth-authorization-server between host and path),
// and, for an issuer with a path, the appended RFC 8414 form that Okta's
// custom authorization servers and many others also serve.
func DiscoveryURLs(issuer string) []struct{ URL, Kind string } {
	u, err := url.Parse(issuer)
	if err != nil {
		return nil
	}
	base := strings.TrimSuffix(issuer, "/")
	origin := u.Scheme + "://" + u.Host
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	out := []struct{ URL, Kind string }{
		{base + "/.well-known/openid-configuration", KindOpenID},
		{origin + "/.well-known/oauth-authorization-server" + path, KindOAuth},
	}
	if path != "" {
		out = append(out, struct{ URL, Kind string }{base + "/.well-known/oauth-authorization-server", KindOAuth})
	}
	return out
}

// Discover fetches the issuer's metadata: the OpenID Connect document first,
// then the RFC 8414 ones (see DiscoveryURLs), and checks it. The returned
// issuer must equal the requested one character for character (RFC 8414
// §3.3, OIDC Discovery §4.3); when it does not, the Discovery comes back
// with its failed check and hints together with an *Error, because the
// metadata must not be used. When no document answers, the Discovery still
// carries the hints. Metadata naming an endpoint that is not an http or
// https URL comes back the same way, its failed check with an *Error.
func Discover(ctx context.Context, hc *http.Client, issuer string) (*Discovery, []Exchange, error) {
	ctx = ctxOrBackground(ctx)
	issuer = strings.TrimSpace(issuer)
	d := &Discovery{Requested: issuer}
	if trimmed, hint := IssuerHint(issuer); hint != "" {
		d.Hints = append(d.Hints, hint)
		issuer = trimmed
	}
	if err := checkIssuerURL(issuer); err != nil {
		return d, nil, err
	}
	client, rec := recordingClient(hc)
	var first *Error
	for _, c := range DiscoveryURLs(issuer) {
		md, err := fetchMetadata(ctx, client, c.URL)
		if err == nil {
			d.URL, d.Kind, d.Metadata = c.URL, c.Kind, *md
			break
		}
		if first == nil {
			first = err
		}
		if err.Status == 0 {
			// Timeout, refused connection, unknown host: every other
			// document is on the same host, so stop here.
			break
		}
	}
	exs := rec.Take()
	d.Hints = append(d.Hints, discoveryHints(issuer, d, exs)...)
	if d.URL == "" {
		if first.Status != 0 {
			first.What = "no discovery document found for " + issuer + " (" + first.What + ")"
		}
		if len(d.Hints) > 0 {
			// The hints are the specific advice for this attempt.
			first.Try = strings.Join(d.Hints, " ")
		}
		return d, exs, first
	}
	d.Checks = checkMetadata(issuer, d.Kind, d.Metadata)
	if d.Metadata.Issuer != issuer {
		e := &Error{Op: "discovery", Status: 200,
			What:  fmt.Sprintf("the document's issuer %q is not the requested %q", d.Metadata.Issuer, issuer),
			Cause: "issuers are compared character for character (RFC 8414 §3.3, OIDC Discovery §4.3): a trailing slash, http vs https, a /auth prefix or a proxy rewriting the host all differ; tokens would carry the other value in iss",
			Try:   "use exactly " + d.Metadata.Issuer + " as the issuer if you trust it; otherwise fix the server's hostname settings (Keycloak: --hostname)"}
		if len(d.Hints) > 0 {
			e.Try = strings.Join(d.Hints, " ") + " Otherwise: " + e.Try
		}
		return d, exs, e
	}
	if e := badEndpoints(d.Metadata); e != nil {
		return d, exs, e
	}
	return d, exs, nil
}

// IssuerOf is the issuer a user means by what they gave: the URL itself,
// or for the URL of a discovery document (…/.well-known/openid-configuration,
// RFC 8414's inserted or appended form) the issuer whose document it is,
// which Discover accepts with a hint and tokens carry in iss.
func IssuerOf(issuer string) string {
	i, _ := stripWellKnown(strings.TrimSpace(issuer))
	return i
}

// IssuerHint is IssuerOf with, when issuer is the URL of a discovery
// document, the hint that says so and names the issuer ("" otherwise), for
// a command that takes the issuer it names and tells the user.
func IssuerHint(issuer string) (string, string) {
	trimmed, ok := stripWellKnown(strings.TrimSpace(issuer))
	if !ok {
		return trimmed, ""
	}
	return trimmed, "You gave the URL of a discovery document; the issuer is " + trimmed + ", which is what this tool and your API expect."
}

func stripWellKnown(issuer string) (string, bool) {
	// RFC 8414 §3.1's inserted form: https://host/.well-known/oauth-authorization-server/path.
	if u, err := url.Parse(issuer); err == nil && u.Host != "" {
		const wk = "/.well-known/oauth-authorization-server/"
		if rest, ok := strings.CutPrefix(u.Path, wk); ok && rest != "" {
			return u.Scheme + "://" + u.Host + "/" + rest, true
		}
	}
	for _, suffix := range []string{"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"} {
		if strings.HasSuffix(issuer, suffix) {
			return strings.TrimSuffix(issuer, suffix), true
		}
	}
	return issuer, false
}

// checkIssuerURL applies RFC 8414 §2: an https URL (http is allowed here for
// local servers) with no query or fragment.
func checkIssuerURL(issuer string) *Error {
	u, err := url.Parse(issuer)
	bad := func(cause string) *Error {
		return &Error{Op: "discovery", What: fmt.Sprintf("%q is not an issuer URL", issuer), Cause: cause,
			Try: "give the issuer, e.g. https://keycloak.example.com/realms/myorg or https://example.okta.com/oauth2/default", Err: err}
	}
	switch {
	case issuer == "":
		return bad("no issuer was given")
	case err != nil:
		return bad("it does not parse as a URL")
	case u.Scheme != "https" && u.Scheme != "http":
		return bad("it needs http:// or https:// in front")
	case u.Host == "":
		return bad("it has no host")
	case u.RawQuery != "" || u.Fragment != "":
		return bad("an issuer has no query or fragment (RFC 8414 §2)")
	}
	return nil
}

// fetchMetadata GETs one document and parses it, explaining every failure.
func fetchMetadata(ctx context.Context, hc *http.Client, docURL string) (*Metadata, *Error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, docURL, nil)
	if err != nil {
		return nil, badURL("discovery", docURL, err)
	}
	req.Header.Set("Accept", "application/json")
	status, h, body, derr := do(hc, "discovery", req)
	if derr != nil {
		return nil, derr.(*Error)
	}
	trimmed := bytes.TrimSpace(body)
	if status != http.StatusOK {
		e := explainResponse("discovery", status, h, body)
		if status == http.StatusNotFound && e.Code == "" {
			e.What = fmt.Sprintf("HTTP 404 at %s", docURL)
			e.Cause = "the server has no metadata at that URL: the issuer's path (realm, authorization server id) is probably wrong"
			e.Try = "check the issuer URL (Keycloak: https://HOST/realms/REALM; Okta: https://DOMAIN/oauth2/default)"
		}
		return nil, e
	}
	if looksHTML(h, trimmed) {
		return nil, &Error{Op: "discovery", Status: status,
			What:  "the server answered " + docURL + " with an HTML page, not JSON",
			Cause: "the issuer URL points at a web page: a login page, a portal or a proxy (or the admin console instead of the realm)",
			Try:   "give the issuer itself (Keycloak: https://HOST/realms/REALM; Okta: https://DOMAIN/oauth2/default)"}
	}
	raw := map[string]any{}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil || raw == nil {
		what := "the document at " + docURL + " is not valid JSON"
		if err != nil {
			what += " (" + err.Error() + ")"
		}
		return nil, &Error{Op: "discovery", Status: status, What: what,
			Cause: "the answer was cut off, or something other than the authorization server answered",
			Try:   "open the URL with curl and look at the body", Err: err}
	}
	var md Metadata
	if err := json.Unmarshal(trimmed, &md); err != nil {
		return nil, &Error{Op: "discovery", Status: status,
			What:  "the document at " + docURL + " has a member of the wrong type (" + err.Error() + ")",
			Cause: "the server does not follow RFC 8414 §2 / OIDC Discovery §3", Try: "report it to the server's admin", Err: err}
	}
	md.Raw = raw
	if md.Issuer == "" {
		return nil, &Error{Op: "discovery", Status: status,
			What:  "the document at " + docURL + " has no issuer",
			Cause: "it is not authorization server metadata (RFC 8414 §2 requires issuer)",
			Try:   "check the issuer URL"}
	}
	return &md, nil
}
