package oauth

import (
	"bytes"
	"encoding/json"
	"net"
	"net/url"
	"strings"
)

// checkMetadata checks a metadata document against the requested issuer and
// says what the server supports.
func checkMetadata(issuer, kind string, md Metadata) []Check {
	var cs []Check
	add := func(name string, st CheckStatus, reason string) {
		cs = append(cs, Check{Name: name, Status: st, Reason: reason})
	}
	if md.Issuer == issuer {
		add("issuer", Pass, "equals the requested issuer "+issuer+" (RFC 8414 §3.3)")
	} else {
		add("issuer", Fail, "is "+md.Issuer+", not the requested "+issuer+"; RFC 8414 §3.3 says not to use this metadata")
	}
	if u, err := url.Parse(md.Issuer); err == nil && u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		add("https", Warn, "the issuer uses plain http on a non-loopback host; tokens and secrets cross the network in clear (RFC 6749 §3.1)")
	}
	iss, _ := url.Parse(issuer)
	need := func(name, value string, st CheckStatus, why string) {
		if value == "" {
			add(name, st, "missing: "+why)
		} else {
			cs = append(cs, endpointCheck(iss, name, value))
		}
	}
	need("token_endpoint", md.TokenEndpoint, Fail, "no grant except implicit works without it (RFC 8414 §2)")
	need("authorization_endpoint", md.AuthorizationEndpoint, Warn, "no browser login (authorization code) is possible")
	if kind == KindOpenID {
		need("jwks_uri", md.JWKSURI, Fail, "OIDC Discovery §3 requires it; tokens cannot be verified without the keys")
	} else {
		need("jwks_uri", md.JWKSURI, Warn, "tokens cannot be verified locally without the keys")
	}
	grants := md.GrantTypesSupported
	gr := "supported: " + strings.Join(grants, ", ")
	if len(grants) == 0 {
		gr = "not listed; RFC 8414 §2 then means authorization_code and implicit only"
	}
	add("grant_types_supported", Pass, gr)
	am := md.TokenEndpointAuthMethodsSupported
	ar := "supported: " + strings.Join(am, ", ")
	if len(am) == 0 {
		ar = "not listed; RFC 8414 §2 then means client_secret_basic"
	}
	add("token_endpoint_auth_methods_supported", Pass, ar)
	switch {
	case contains(md.CodeChallengeMethodsSupported, "S256"):
		add("code_challenge_methods_supported", Pass, "S256 supported (RFC 7636): "+strings.Join(md.CodeChallengeMethodsSupported, ", "))
	case len(md.CodeChallengeMethodsSupported) == 0:
		add("code_challenge_methods_supported", Warn, "not listed: the server may still accept PKCE S256 (many do), but it does not say so (RFC 8414 §2); "+
			"RFC 9700 §2.1.1 asks servers to support PKCE and clients to use it, and a client cannot tell that this one does")
	default:
		add("code_challenge_methods_supported", Warn, "no S256, only "+strings.Join(md.CodeChallengeMethodsSupported, ", ")+"; plain PKCE protects nothing if the URL leaks (RFC 7636 §7.2)")
	}
	cs = append(cs, deprecatedChecks(md)...)
	opt := func(name, value, without string) {
		if value == "" {
			add(name, Skip, "not offered: "+without)
		} else {
			cs = append(cs, endpointCheck(iss, name, value))
		}
	}
	opt("introspection_endpoint", md.IntrospectionEndpoint, "no RFC 7662 introspection")
	opt("revocation_endpoint", md.RevocationEndpoint, "no RFC 7009 revocation")
	opt("userinfo_endpoint", md.UserinfoEndpoint, "no OIDC userinfo")
	if md.EndSessionEndpoint != "" {
		cs = append(cs, endpointCheck(iss, "end_session_endpoint", md.EndSessionEndpoint))
	}
	return cs
}

// endpoints are the metadata's members that are URLs the workbench sends
// requests to or opens in a browser.
func (md Metadata) endpoints() [][2]string {
	return [][2]string{
		{"authorization_endpoint", md.AuthorizationEndpoint},
		{"token_endpoint", md.TokenEndpoint},
		{"jwks_uri", md.JWKSURI},
		{"userinfo_endpoint", md.UserinfoEndpoint},
		{"introspection_endpoint", md.IntrospectionEndpoint},
		{"revocation_endpoint", md.RevocationEndpoint},
		{"end_session_endpoint", md.EndSessionEndpoint},
	}
}

// endpointCheck checks one endpoint URL from the metadata. Anything but an
// http or https URL fails: it is never used. An http endpoint under an
// https issuer, or one on another host than the issuer, passes with a
// warning that says why: some real deployments do it (a TLS proxy that
// forgot its headers, keys on a CDN), and some attacks look the same.
func endpointCheck(issuer *url.URL, name, value string) Check {
	if fault, kind := urlFault(value); kind != urlFine {
		reason := quote(value) + " " + fault + ": the workbench will neither send a request to it nor open it (endpoints are web URLs, RFC 8414 §2)"
		if kind == urlScheme {
			reason += "; a file:, smb: or javascript: URL in metadata would read local files, reach a file share or run a script"
		}
		return Check{Name: name, Status: Fail, Reason: reason}
	}
	u, _ := url.Parse(value)
	var warns []string
	if issuer != nil && issuer.Scheme == "https" && u.Scheme == "http" {
		warns = append(warns, "plain http while the issuer uses https: what goes there (codes, secrets, tokens) crosses the network in clear "+
			"(RFC 6749 §3.1 and §3.2 require TLS); often a TLS proxy that does not tell the server it is behind https (Keycloak: --proxy-headers)")
	}
	if issuer != nil && !strings.EqualFold(u.Hostname(), issuer.Hostname()) {
		warns = append(warns, "on host "+u.Hostname()+", not the issuer's host "+issuer.Hostname()+
			": some deployments split hosts on purpose (keys on a CDN, an API gateway), but make sure you trust that host with what this endpoint receives")
	}
	if len(warns) == 0 {
		return Check{Name: name, Status: Pass, Reason: value}
	}
	return Check{Name: name, Status: Warn, Reason: value + ": " + strings.Join(warns, "; ")}
}

// badEndpoints explains the metadata's endpoints that are not http or https
// URLs, nil when there are none. Such metadata is not used at all.
func badEndpoints(md Metadata) *Error {
	var bad []string
	kinds := map[urlFaultKind]bool{}
	for _, ep := range md.endpoints() {
		if ep[1] == "" {
			continue
		}
		if fault, kind := urlFault(ep[1]); kind != urlFine {
			bad = append(bad, ep[0]+" "+quote(ep[1])+" "+fault)
			kinds[kind] = true
		}
	}
	if len(bad) == 0 {
		return nil
	}
	cause := "endpoints are absolute http or https URLs the client sends requests to or opens in a browser (RFC 8414 §2)"
	if kinds[urlScheme] {
		cause += "; another scheme (file:, smb:, javascript:) would read a local file, reach a file share or run a script"
	}
	if kinds[urlControl] {
		cause += "; control characters belong in no URL (RFC 3986 §2 has them percent-encoded), and written raw to a terminal " +
			"ESC sequences clear the screen or rewrite what it shows (oauthlab shows them as escapes)"
	}
	return &Error{Op: "discovery", Status: 200, What: "the metadata's " + strings.Join(bad, "; ") + ", so the metadata is not used",
		Cause: cause + ": a misconfigured server, or something other than the authorization server answered",
		Try:   "fix the endpoint URLs the server publishes (its hostname or frontend URL settings), and check that the issuer URL reaches the real authorization server"}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// isOktaHost reports whether host is one of Okta's cloud domains.
func isOktaHost(host string) bool {
	host = strings.ToLower(host)
	for _, d := range []string{".okta.com", ".oktapreview.com", ".okta-emea.com", ".okta-gov.com"} {
		if strings.HasSuffix(host, d) {
			return true
		}
	}
	return false
}

// endpointPaths end the URLs of endpoints that are given for an issuer,
// longest first: Keycloak's, Okta's custom servers', then the bare names
// other servers use (oidc-provider's /token, /jwks, /me).
var endpointPaths = []string{
	"/protocol/openid-connect/token", "/protocol/openid-connect/auth", "/protocol/openid-connect/certs", "/protocol/openid-connect/userinfo",
	"/v1/token", "/v1/authorize", "/v1/keys", "/v1/userinfo",
	"/token", "/authorize", "/jwks", "/certs", "/userinfo", "/me",
}

// discoveryHints names the common mistakes that this attempt shows.
func discoveryHints(issuer string, d *Discovery, exs []Exchange) []string {
	var hints []string
	u, err := url.Parse(issuer)
	if err != nil {
		return nil
	}
	origin := u.Scheme + "://" + u.Host
	path := u.Path
	found := d.URL != ""
	got := d.Metadata.Issuer
	all404 := !found && len(exs) > 0
	realmMissing, oktaNotFound := false, false
	for _, ex := range exs {
		if ex.Status != 404 {
			all404 = false
		}
		var m map[string]any
		if json.Unmarshal(bytes.TrimSpace(ex.ResponseBody), &m) == nil {
			if s, _ := m["error"].(string); strings.EqualFold(s, "Realm does not exist") {
				realmMissing = true
			}
			if s, _ := m["errorCode"].(string); s == "E0000007" {
				oktaNotFound = true
			}
		}
	}

	// Trailing slash (RFC 8414 §3.3 compares issuers exactly).
	if found && got != issuer && strings.TrimSuffix(got, "/") == strings.TrimSuffix(issuer, "/") {
		if strings.HasSuffix(issuer, "/") {
			hints = append(hints, "Drop the trailing slash: the server's issuer is "+got+", and issuers are compared character for character.")
		} else {
			hints = append(hints, "The server's issuer ends with a slash ("+got+"); use it exactly as written.")
		}
	}

	// An endpoint's URL given as the issuer (the token endpoint, copied
	// from a tutorial): its issuer is the path before the endpoint's, which
	// the hints below then speak of.
	if !found && all404 {
		for _, ep := range endpointPaths {
			if base, ok := strings.CutSuffix(strings.TrimSuffix(path, "/"), ep); ok {
				hints = append(hints, issuer+" looks like an endpoint ("+strings.TrimPrefix(ep, "/")+"), not an issuer: try "+origin+base+".")
				path = base
				break
			}
		}
	}

	// Keycloak's /auth prefix (removed from the default path in Keycloak 17).
	if strings.Contains(path, "/realms/") {
		hasAuth := strings.HasPrefix(path, "/auth/realms/")
		switch {
		case realmMissing:
			realm := path[strings.Index(path, "/realms/")+len("/realms/"):]
			realm = strings.SplitN(realm, "/", 2)[0]
			hints = append(hints, "Keycloak says realm \""+realm+"\" does not exist: realm names are case-sensitive; check the realm list in the admin console.")
		case all404 && !hasAuth:
			hints = append(hints, "Keycloak before 17 (and servers started with --http-relative-path=/auth) serve under /auth: try "+origin+"/auth"+path+".")
		case all404 && hasAuth:
			hints = append(hints, "Keycloak 17 and later dropped the /auth prefix: try "+origin+strings.TrimPrefix(path, "/auth")+".")
		case found && got != issuer && strings.Replace(got, "/auth/realms/", "/realms/", 1) == strings.Replace(issuer, "/auth/realms/", "/realms/", 1):
			hints = append(hints, "The /auth prefix differs between the requested issuer and the server's ("+got+"): use the server's value; Keycloak 17+ has no /auth unless started with --http-relative-path=/auth.")
		}
	} else if !found && all404 && (path == "" || path == "/") && !isOktaHost(u.Host) {
		hints = append(hints, "For Keycloak the issuer includes the realm: "+origin+"/realms/REALM (before Keycloak 17: "+origin+"/auth/realms/REALM).")
	}

	// Okta: org authorization server vs custom ones.
	if isOktaHost(u.Host) {
		p := strings.TrimSuffix(path, "/")
		switch {
		case oktaNotFound:
			hints = append(hints, "Okta has no authorization server at "+issuer+": the default custom one is "+origin+"/oauth2/default; others are listed under Security > API > Authorization Servers.")
		case p == "":
			hints = append(hints, "This is Okta's org authorization server: its access tokens are meant for Okta's own APIs and your API cannot validate them (treat them as opaque). For your own API use a custom authorization server such as "+origin+"/oauth2/default.")
		case p == "/oauth2" || p == "/oauth2/v1":
			hints = append(hints, p+" is an endpoint prefix, not an issuer: use "+origin+" (org server) or "+origin+"/oauth2/default (custom server).")
		case strings.HasPrefix(p, "/oauth2/") && strings.HasSuffix(p, "/v1"):
			hints = append(hints, "Drop /v1: the issuer of a custom Okta authorization server is "+origin+strings.TrimSuffix(p, "/v1")+".")
		}
	}
	return hints
}
