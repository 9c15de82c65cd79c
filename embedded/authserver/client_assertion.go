package authserver

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
)

// JWT client authentication (RFC 7523 §2.2, §3; OpenID Connect Core §9):
// the client sends client_assertion_type and client_assertion, a JWT it
// signed with its private key (private_key_jwt) or the client secret
// (client_secret_jwt). Each shape runs the checks its server runs, in its
// order, and answers in its words (testdata/fixtures/SOURCES.md, "JWT
// client authentication"):
//
//   - Keycloak (JWTClientAuthenticator, JWTClientValidator): sub names the
//     client; iss ≠ sub is not an assertion for it (401, the generic
//     "Invalid client or Invalid client credentials"); the alg, the
//     signature, aud one of the issuer, the token and the introspection
//     endpoint (one value only), exp with 15 s of skew, at most 60 s since
//     iat, and a jti used once — each refused 400 invalid_client with its
//     own description.
//   - Okta: 401 invalid_client "The client_assertion …" for each: aud must
//     be the URL of the endpoint called, exp at most an hour ahead, a jti,
//     when there is one, used once.

// The JWT client authentication methods (token_endpoint_auth_method).
const (
	authPrivateKeyJWT = "private_key_jwt"
	authSecretJWT     = "client_secret_jwt"
	assertionType     = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
)

// assertionAlgs are the algorithms each method accepts, as discovery lists
// them (token_endpoint_auth_signing_alg_values_supported).
var assertionAlgs = map[string][]string{authPrivateKeyJWT: {"RS256", "ES256"}, authSecretJWT: {"HS256"}}

// The windows of each shape: Keycloak's allowed clock skew and default
// "Max expiration" (token.endpoint.auth.signing.max.exp); Okta's longest
// assertion life.
const (
	keycloakAssertionSkew   = 15 * time.Second
	keycloakAssertionMaxAge = 60 * time.Second
	oktaAssertionMaxLife    = time.Hour
)

// usedJTIs remembers the jti of every assertion accepted until it
// expires, so the same assertion is refused a second time (RFC 7523 §3:
// the server may keep jti values to prevent replay).
type usedJTIs struct {
	mu   sync.Mutex
	seen map[string]time.Time // client id + jti → when it may be forgotten
}

// use records key until forget and reports whether it was new.
func (u *usedJTIs) use(key string, forget, now time.Time) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.seen == nil {
		u.seen = map[string]time.Time{}
	}
	for k, t := range u.seen {
		if now.After(t) {
			delete(u.seen, k)
		}
	}
	if _, ok := u.seen[key]; ok {
		return false
	}
	u.seen[key] = forget
	return true
}

// assertion is a client assertion split and decoded, not yet verified.
type assertion struct {
	raw    string
	alg    string
	kid    string
	iss    string
	sub    string
	aud    []string
	jti    string
	exp    *int64
	iat    *int64
	nbf    *int64
	parsed bool
}

func parseAssertion(raw string) assertion {
	a := assertion{raw: raw}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return a
	}
	hb, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	pb, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	if err1 != nil || err2 != nil {
		return a
	}
	var h struct{ Alg, Kid string }
	var c struct {
		Iss, Sub, Jti string
		Aud           json.RawMessage
		Exp, Iat, Nbf *json.Number
	}
	d := json.NewDecoder(bytes.NewReader(pb))
	d.UseNumber()
	if json.Unmarshal(hb, &h) != nil || d.Decode(&c) != nil {
		return a
	}
	a.alg, a.kid, a.iss, a.sub, a.jti, a.parsed = h.Alg, h.Kid, c.Iss, c.Sub, c.Jti, true
	var one string
	if json.Unmarshal(c.Aud, &one) == nil {
		a.aud = []string{one}
	} else {
		_ = json.Unmarshal(c.Aud, &a.aud)
	}
	a.exp, a.iat, a.nbf = seconds(c.Exp), seconds(c.Iat), seconds(c.Nbf)
	return a
}

func seconds(n *json.Number) *int64 {
	if n == nil {
		return nil
	}
	if i, err := n.Int64(); err == nil {
		return &i
	}
	if f, err := n.Float64(); err == nil {
		i := int64(f)
		return &i
	}
	return nil
}

// authenticateAssertion authenticates a client by its client assertion.
func (s *Server) authenticateAssertion(r *http.Request, form url.Values) (*Client, *oauthErr) {
	if _, _, basic := r.BasicAuth(); basic || form.Get("client_secret") != "" {
		return nil, errInvalidRequest().WithDescription("the client used more than one authentication method (RFC 6749 §2.3)")
	}
	typ, raw := form.Get("client_assertion_type"), form.Get("client_assertion")
	okta := s.isOkta()
	switch {
	case typ == "":
		return nil, s.assertionErr("Parameter client_assertion_type is missing", "The client_assertion_type parameter is required.")
	case typ != assertionType:
		return nil, s.assertionErr("Parameter client_assertion_type has value '"+typ+"' but expected is '"+assertionType+"'",
			"The client_assertion_type must be "+assertionType+".")
	case raw == "":
		return nil, s.assertionErr("client_assertion parameter missing", "The client_assertion parameter is required.")
	}
	a := parseAssertion(raw)
	if !a.parsed {
		return nil, s.assertionErr("Client authentication with signed JWT failed: the client_assertion is not a JWT",
			"The client_assertion token is invalid.").WithEventNote("the client_assertion is not a compact JWS with JSON header and claims")
	}
	if a.sub == "" {
		return nil, s.assertionErr("Token sub claim is required", "The client_assertion token must have a sub claim.")
	}
	if a.iss != a.sub {
		// Keycloak leaves an assertion whose iss is not its sub to the
		// authenticators of third-party assertions; with none, the
		// client is not identified (ClientAuthenticationFlow).
		note := "iss " + quoteOrNone(a.iss) + " ≠ sub " + quoteOrNone(a.sub) + ": a client authentication assertion has iss = sub = the client id (RFC 7523 §3)"
		if okta {
			return nil, errInvalidClient().WithDescription("The client_assertion token's issuer and subject must both be the client_id.").WithEventNote(note)
		}
		return nil, errInvalidClient().WithDescription("Invalid client or Invalid client credentials").WithEventNote(note)
	}
	if id := form.Get("client_id"); id != "" && id != a.sub {
		return nil, s.assertionErr("client_id parameter does not match sub claim", "The client_id parameter does not match the client_assertion subject.")
	}
	c := s.clients[a.sub]
	if c == nil {
		return nil, s.unknownClient()
	}
	if c.AuthMethod != authPrivateKeyJWT && c.AuthMethod != authSecretJWT {
		return nil, s.wrongMethod(c, "a client_assertion")
	}
	if e := s.checkSignature(c, a); e != nil {
		return nil, e
	}
	if e := s.checkAudience(r, a); e != nil {
		return nil, e
	}
	if e := s.checkLifetime(a); e != nil {
		return nil, e
	}
	return c, s.checkReplay(c, a)
}

// assertionErr is a refusal in the shape's words: Keycloak's 400
// invalid_client (AbstractJWTClientValidator.failure), Okta's 401.
func (s *Server) assertionErr(keycloak, okta string) *oauthErr {
	if s.isOkta() {
		return errInvalidClient().WithDescription(okta)
	}
	return errInvalidClient().WithStatus(http.StatusBadRequest).WithDescription(keycloak)
}

// wrongMethod refuses a client that authenticated otherwise than it is
// registered to: Keycloak runs only the client's own authenticator, and
// without its success the client is not identified.
func (s *Server) wrongMethod(c *Client, used string) *oauthErr {
	want := c.AuthMethod
	if want == "" {
		want = "client_secret_basic or client_secret_post"
	}
	note := c.ID + " is registered for " + want + ", and sent " + used
	if s.isOkta() {
		return errInvalidClient().WithDescription("Client authentication failed. Either the client or the client credentials are invalid.").WithEventNote(note)
	}
	return errInvalidClient().WithDescription("Invalid client or Invalid client credentials").WithEventNote(note)
}

// checkSignature verifies the assertion with the client's registered key
// (private_key_jwt) or its secret (client_secret_jwt), with an algorithm
// of the method only: an HMAC keyed with a public key must not pass.
func (s *Server) checkSignature(c *Client, a assertion) *oauthErr {
	okta := s.isOkta()
	badSig := func(why string) *oauthErr {
		if okta {
			return errInvalidClient().WithDescription("The client_assertion signature is invalid.").WithEventNote(why)
		}
		if c.AuthMethod == authSecretJWT {
			// JWTClientSecretAuthenticator: its code, and its double space.
			return errUnauthorizedClient().WithDescription("Client authentication with client secret signed JWT failed: Signature on JWT token by client secret  failed validation").WithEventNote(why)
		}
		return errInvalidClient().WithStatus(http.StatusBadRequest).WithDescription("Client authentication with signed JWT failed: Signature on JWT token failed validation").WithEventNote(why)
	}
	algOK := false
	for _, alg := range assertionAlgs[c.AuthMethod] {
		algOK = algOK || a.alg == alg
	}
	if !algOK {
		why := "alg " + quoteOrNone(a.alg) + " is not one " + c.AuthMethod + " accepts here (" + strings.Join(assertionAlgs[c.AuthMethod], ", ") + ")"
		if okta || c.AuthMethod == authSecretJWT {
			return badSig(why)
		}
		return s.assertionErr("Invalid signature algorithm", "").WithEventNote(why)
	}
	alg, _ := jwa.LookupSignatureAlgorithm(a.alg)
	var key any
	if c.AuthMethod == authSecretJWT {
		key = []byte(c.Secret)
	} else {
		k, why := c.assertionKey(a.kid)
		if k == nil {
			if okta {
				return errInvalidClient().WithDescription("The client_assertion JWT kid is invalid.").WithEventNote(why)
			}
			return errInvalidClient().WithStatus(http.StatusBadRequest).WithDescription("Unable to load public key").WithEventNote(why)
		}
		key = k
	}
	if _, err := jws.Verify([]byte(a.raw), jws.WithKey(alg, key)); err != nil {
		return badSig("the signature does not verify with the client's registered " + map[bool]string{true: "secret", false: "key"}[c.AuthMethod == authSecretJWT])
	}
	return nil
}

// assertionKey is the registered key an assertion's kid names; without a
// kid, the client's only key. nil says why not.
func (c *Client) assertionKey(kid string) (jwk.Key, string) {
	if c.keys == nil || c.keys.Len() == 0 {
		return nil, c.ID + " has no registered public key"
	}
	if kid == "" {
		if c.keys.Len() == 1 {
			k, _ := c.keys.Key(0)
			return k, ""
		}
		return nil, "the assertion names no kid and " + c.ID + " has several keys"
	}
	if k, ok := c.keys.LookupKeyID(kid); ok {
		return k, ""
	}
	return nil, "no key of " + c.ID + " has kid " + quoteOrNone(kid)
}

// checkAudience: the assertion is for this server (RFC 7523 §3). Keycloak
// takes its issuer, token or introspection endpoint, one value only; Okta
// only the URL of the endpoint called.
func (s *Server) checkAudience(r *http.Request, a assertion) *oauthErr {
	if s.isOkta() {
		called := strings.TrimRight(s.cfg.BaseURL, "/") + r.URL.Path
		if len(a.aud) == 1 && a.aud[0] == called {
			return nil
		}
		return errInvalidClient().WithDescription("The audience claim for client_assertion must be the endpoint invoked for the request.").
			WithEventNote(fmt.Sprintf("aud %q, and the endpoint called is %s", a.aud, called))
	}
	p := s.paths()
	accepted := []string{s.issuer, s.url(p.token), s.url(p.introspect)}
	for _, aud := range a.aud {
		for _, ok := range accepted {
			if aud == ok {
				if len(a.aud) > 1 {
					return s.assertionErr("Multiple audiences not allowed", "")
				}
				return nil
			}
		}
	}
	return s.assertionErr("Invalid token audience", "").WithEventNote(fmt.Sprintf("aud %q; Keycloak accepts one of %s", a.aud, strings.Join(accepted, ", ")))
}

// checkLifetime: exp is required and not past; Keycloak also refuses one
// issued over 60 s ago, Okta one that lives over an hour.
func (s *Server) checkLifetime(a assertion) *oauthErr {
	now := s.cfg.Now()
	if a.exp == nil {
		return s.assertionErr("Token exp claim is required", "The client_assertion token must have an exp claim.")
	}
	exp := time.Unix(*a.exp, 0)
	note := "exp " + exp.UTC().Format(time.RFC3339) + ", now " + now.UTC().Format(time.RFC3339)
	if s.isOkta() {
		switch {
		case !now.Before(exp):
			return errInvalidClient().WithDescription("The client_assertion token is expired.").WithEventNote(note)
		case exp.Sub(now) > oktaAssertionMaxLife:
			return errInvalidClient().WithDescription("The client_assertion token has an expiration too far into the future.").WithEventNote(note)
		}
		return nil
	}
	skew := keycloakAssertionSkew
	if now.After(exp.Add(skew)) || a.nbf != nil && time.Unix(*a.nbf, 0).After(now.Add(skew)) {
		return s.assertionErr("Token is not active", "").WithEventNote(note)
	}
	if a.iat == nil {
		if exp.Sub(now) > keycloakAssertionMaxAge {
			return s.assertionErr("Token expiration is too far in the future and iat claim not present in token", "").WithEventNote(note)
		}
		return nil
	}
	iat := time.Unix(*a.iat, 0)
	switch {
	case iat.Add(-skew).After(now):
		return s.assertionErr("Token was issued in the future", "").WithEventNote(note)
	case now.After(iat.Add(keycloakAssertionMaxAge)):
		return s.assertionErr("Token was issued too far in the past to be used now", "").WithEventNote("iat " + iat.UTC().Format(time.RFC3339) + ", now " + now.UTC().Format(time.RFC3339) + ": Keycloak's Max expiration is 60 s")
	}
	return nil
}

// checkReplay refuses a jti already used by the client. Keycloak requires
// one; Okta checks it when there is one.
func (s *Server) checkReplay(c *Client, a assertion) *oauthErr {
	if a.jti == "" {
		if s.isOkta() {
			return nil
		}
		return s.assertionErr("Token jti claim is required", "")
	}
	now := s.cfg.Now()
	if !s.jtis.use(c.ID+"\x00"+a.jti, time.Unix(*a.exp, 0).Add(keycloakAssertionSkew), now) {
		return s.assertionErr("Token reuse detected", "The client_assertion token has already been used.").
			WithEventNote("jti " + quoteOrNone(a.jti) + " was already used by " + c.ID + ": a replayed assertion")
	}
	return nil
}

func quoteOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return fmt.Sprintf("%q", s)
}
