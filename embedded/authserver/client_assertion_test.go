package authserver

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/oauthlab/oauthlab/internal/testkey"
)

const hsSecret = "hs_app_secret_of_at_least_32_bytes_long!"

// jwtClients registers a private_key_jwt client with an RSA and a P-256
// key, and a client_secret_jwt client; it returns the private keys.
func jwtClients(t *testing.T) (func(*Config), jwk.Key, jwk.Key) {
	t.Helper()
	rk := testkey.RSA()
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rj, _ := jwk.Import(rk)
	_ = rj.Set("kid", "rsa-1")
	ej, _ := jwk.Import(ek)
	_ = ej.Set("kid", "ec-1")
	set := jwk.NewSet()
	for _, k := range []jwk.Key{rj, ej} {
		pub, _ := k.PublicKey()
		_ = set.AddKey(pub)
	}
	jwks, _ := json.Marshal(set)
	return func(c *Config) {
		c.Clients = append(c.Clients,
			Client{ID: "pk_app", AuthMethod: "private_key_jwt", JWKS: jwks, Grants: []string{"client_credentials"}, Scopes: []string{ScopeRead}},
			Client{ID: "hs_app", AuthMethod: "client_secret_jwt", Secret: hsSecret, Grants: []string{"client_credentials"}, Scopes: []string{ScopeRead}})
	}, rj, ej
}

// sign makes a client assertion with claims over the defaults (iss = sub
// = client, aud, a fresh jti, iat now, exp in 60 s); a claim set to nil is
// left out.
func signAssertion(t *testing.T, alg jwa.SignatureAlgorithm, key any, kid, client, aud string, over map[string]any) string {
	t.Helper()
	now := time.Now().Unix()
	c := map[string]any{"iss": client, "sub": client, "aud": aud, "jti": rand.Text(), "iat": now, "exp": now + 60}
	for k, v := range over {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	payload, _ := json.Marshal(c)
	if k, ok := key.(jwk.Key); ok {
		// jws would put the JWK's own kid in the header: sign with the
		// raw key, so the header says what the test says.
		var raw any
		if err := jwk.Export(k, &raw); err != nil {
			t.Fatal(err)
		}
		key = raw
	}
	h := jws.NewHeaders()
	if kid != "" {
		_ = h.Set("kid", kid)
	}
	b, err := jws.Sign(payload, jws.WithKey(alg, key, jws.WithProtectedHeaders(h)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func assertionForm(a string) url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "scope": {ScopeRead}, "client_assertion_type": {assertionType}, "client_assertion": {a}}
}

// TestClientAssertionBothShapes: private_key_jwt (RS256, ES256) and
// client_secret_jwt are accepted; a wrong signature, iss ≠ sub, a foreign
// aud, an expired or replayed assertion, a wrong alg or kid, and a JWT
// client using its secret are refused in each shape's own words.
func TestClientAssertionBothShapes(t *testing.T) {
	for _, style := range []Style{StyleKeycloak, StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			reg, rsaKey, ecKey := jwtClients(t)
			f := start(t, style, reg)
			tok := f.tokenURL()
			intro := f.s.Issuer() + f.s.paths().introspect
			other := testkey.RSA()
			kc := style == StyleKeycloak
			pick := func(k, o string) string {
				if kc {
					return k
				}
				return o
			}
			type want struct {
				status int
				code   string
				desc   string
			}
			ok := want{200, "", ""}
			kcOrOkta := func(kcStatus int, kcDesc, oktaDesc string) want {
				if kc {
					return want{kcStatus, "invalid_client", kcDesc}
				}
				return want{401, "invalid_client", oktaDesc}
			}
			badAud := kcOrOkta(400, "Invalid token audience", "The audience claim for client_assertion must be the endpoint invoked for the request.")
			replayed := signAssertion(t, jwa.RS256(), rsaKey, "rsa-1", "pk_app", tok, nil)
			cases := []struct {
				name  string
				form  url.Values
				basic [2]string
				want  want
			}{
				{"RS256 aud token endpoint", assertionForm(replayed), [2]string{}, ok},
				{"ES256", assertionForm(signAssertion(t, jwa.ES256(), ecKey, "ec-1", "pk_app", tok, nil)), [2]string{}, ok},
				{"client_secret_jwt", assertionForm(signAssertion(t, jwa.HS256(), []byte(hsSecret), "", "hs_app", tok, nil)), [2]string{}, ok},
				{"with a matching client_id", with(assertionForm(signAssertion(t, jwa.RS256(), rsaKey, "rsa-1", "pk_app", tok, nil)), "client_id", "pk_app"), [2]string{}, ok},
				{"aud the issuer", assertionForm(signAssertion(t, jwa.RS256(), rsaKey, "rsa-1", "pk_app", f.s.Issuer(), nil)), [2]string{},
					map[bool]want{true: ok, false: badAud}[kc]},
				{"aud the introspection endpoint", assertionForm(signAssertion(t, jwa.RS256(), rsaKey, "rsa-1", "pk_app", intro, nil)), [2]string{},
					map[bool]want{true: ok, false: badAud}[kc]},
				{"replayed jti", assertionForm(replayed), [2]string{},
					kcOrOkta(400, "Token reuse detected", "The client_assertion token has already been used.")},
				{"signed by another key", assertionForm(signAssertion(t, jwa.RS256(), other, "rsa-1", "pk_app", tok, nil)), [2]string{},
					kcOrOkta(400, "Client authentication with signed JWT failed: Signature on JWT token failed validation", "The client_assertion signature is invalid.")},
				{"iss is not sub", assertionForm(signAssertion(t, jwa.RS256(), rsaKey, "rsa-1", "pk_app", tok, map[string]any{"iss": "someone-else"})), [2]string{},
					kcOrOkta(401, "Invalid client or Invalid client credentials", "The client_assertion token's issuer and subject must both be the client_id.")},
				{"aud another server", assertionForm(signAssertion(t, jwa.RS256(), rsaKey, "rsa-1", "pk_app", "https://elsewhere.example/token", nil)), [2]string{}, badAud},
				{"expired", assertionForm(signAssertion(t, jwa.RS256(), rsaKey, "rsa-1", "pk_app", tok, map[string]any{"iat": time.Now().Unix() - 120, "exp": time.Now().Unix() - 60})), [2]string{},
					kcOrOkta(400, "Token is not active", "The client_assertion token is expired.")},
				{"unknown kid", assertionForm(signAssertion(t, jwa.RS256(), rsaKey, "nope", "pk_app", tok, nil)), [2]string{},
					kcOrOkta(400, "Unable to load public key", "The client_assertion JWT kid is invalid.")},
				{"HMAC for a private_key_jwt client", assertionForm(signAssertion(t, jwa.HS256(), []byte("anything-anything-anything-12345"), "rsa-1", "pk_app", tok, nil)), [2]string{},
					kcOrOkta(400, "Invalid signature algorithm", "The client_assertion signature is invalid.")},
				{"client_secret_jwt with a wrong secret", assertionForm(signAssertion(t, jwa.HS256(), []byte("not-the-secret-not-the-secret-123"), "", "hs_app", tok, nil)), [2]string{},
					map[bool]want{true: {400, "unauthorized_client", "Client authentication with client secret signed JWT failed: Signature on JWT token by client secret  failed validation"},
						false: {401, "invalid_client", "The client_assertion signature is invalid."}}[kc]},
				{"client_secret_jwt client using Basic", url.Values{"grant_type": {"client_credentials"}, "scope": {ScopeRead}}, [2]string{"hs_app", hsSecret},
					kcOrOkta(401, "Invalid client or Invalid client credentials", "Client authentication failed. Either the client or the client credentials are invalid.")},
				{"private_key_jwt client sending client_id only", url.Values{"grant_type": {"client_credentials"}, "scope": {ScopeRead}, "client_id": {"pk_app"}}, [2]string{},
					kcOrOkta(401, "Invalid client or Invalid client credentials", "Client authentication failed. Either the client or the client credentials are invalid.")},
				{"secret client sending an assertion", assertionForm(signAssertion(t, jwa.HS256(), []byte(DemoClientSecret), "", DemoClientID, tok, nil)), [2]string{},
					kcOrOkta(401, "Invalid client or Invalid client credentials", "Client authentication failed. Either the client or the client credentials are invalid.")},
				{"no client_assertion_type", url.Values{"grant_type": {"client_credentials"}, "client_assertion": {replayed}}, [2]string{},
					kcOrOkta(400, "Parameter client_assertion_type is missing", "The client_assertion_type parameter is required.")},
				{"another client_assertion_type", with(assertionForm(signAssertion(t, jwa.RS256(), rsaKey, "rsa-1", "pk_app", tok, nil)), "client_assertion_type", "urn:example:other"), [2]string{},
					kcOrOkta(400, "Parameter client_assertion_type has value 'urn:example:other' but expected is '"+assertionType+"'", "The client_assertion_type must be "+assertionType+".")},
				{"no exp", assertionForm(signAssertion(t, jwa.RS256(), rsaKey, "rsa-1", "pk_app", tok, map[string]any{"exp": nil})), [2]string{},
					kcOrOkta(400, "Token exp claim is required", "The client_assertion token must have an exp claim.")},
				{"exp two hours out", assertionForm(signAssertion(t, jwa.RS256(), rsaKey, "rsa-1", "pk_app", tok, map[string]any{"exp": time.Now().Unix() + 7200})), [2]string{},
					map[bool]want{true: ok, false: {401, "invalid_client", "The client_assertion token has an expiration too far into the future."}}[kc]},
				{"no iat, exp two hours out", assertionForm(signAssertion(t, jwa.RS256(), rsaKey, "rsa-1", "pk_app", tok, map[string]any{"iat": nil, "exp": time.Now().Unix() + 7200})), [2]string{},
					kcOrOkta(400, "Token expiration is too far in the future and iat claim not present in token", "The client_assertion token has an expiration too far into the future.")},
				{"iat two minutes ahead", assertionForm(signAssertion(t, jwa.RS256(), rsaKey, "rsa-1", "pk_app", tok, map[string]any{"iat": time.Now().Unix() + 120, "exp": time.Now().Unix() + 180})), [2]string{},
					map[bool]want{true: {400, "invalid_client", "Token was issued in the future"}, false: ok}[kc]},
				{"iat two minutes ago", assertionForm(signAssertion(t, jwa.RS256(), rsaKey, "rsa-1", "pk_app", tok, map[string]any{"iat": time.Now().Unix() - 120, "exp": time.Now().Unix() + 60})), [2]string{},
					map[bool]want{true: {400, "invalid_client", "Token was issued too far in the past to be used now"}, false: ok}[kc]},
				{"an assertion and HTTP Basic", assertionForm(signAssertion(t, jwa.RS256(), rsaKey, "rsa-1", "pk_app", tok, nil)), [2]string{"pk_app", "x"},
					want{400, "invalid_request", "the client used more than one authentication method (RFC 6749 §2.3)"}},
				{"a client_id other than the sub", with(assertionForm(signAssertion(t, jwa.RS256(), rsaKey, "rsa-1", "pk_app", tok, nil)), "client_id", "hs_app"), [2]string{},
					kcOrOkta(400, "client_id parameter does not match sub claim", "The client_id parameter does not match the client_assertion subject.")},
			}
			for _, tc := range cases {
				a := f.post(t, f.s.paths().token, tc.form, tc.basic[0], tc.basic[1])
				if a.status != tc.want.status || (tc.want.code != "" && (a.body["error"] != tc.want.code || a.body["error_description"] != tc.want.desc)) {
					t.Errorf("%s: got %d %v, want %d %s %q", tc.name, a.status, a.body, tc.want.status, tc.want.code, tc.want.desc)
				}
				if tc.want.status == 200 && a.body["access_token"] == nil {
					t.Errorf("%s: got %v, want a token", tc.name, a.body)
				}
			}
			// The same client introspects with an assertion for that
			// endpoint: Okta's aud is the URL called, Keycloak's may be too.
			at, _ := f.post(t, f.s.paths().token, assertionForm(signAssertion(t, jwa.ES256(), ecKey, "ec-1", "pk_app", tok, nil)), "", "").body["access_token"].(string)
			in := f.post(t, f.s.paths().introspect, with(assertionForm(signAssertion(t, jwa.ES256(), ecKey, "ec-1", "pk_app", pick(tok, intro), nil)), "token", at), "", "")
			if in.status != 200 || in.body["active"] != true {
				t.Errorf("introspection with private_key_jwt: got %d %v, want 200 active", in.status, in.body)
			}
		})
	}
}

// TestDiscoveryAdvertisesJWTClientAuth: both shapes list the two methods;
// An assertion for a client the server does not know gets no token, and
// the same answer, in each shape, as a client_id and secret it does not
// know: one unknown-client refusal (Okta's in its envelope) for both ways
// a client authenticates.
func TestClientAssertionUnknownClient(t *testing.T) {
	for _, style := range []Style{StyleKeycloak, StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			reg, rsaKey, _ := jwtClients(t)
			f := start(t, style, reg)
			byAssertion := f.post(t, f.s.paths().token, assertionForm(signAssertion(t, jwa.RS256(), rsaKey, "rsa-1", "nobody", f.tokenURL(), nil)), "", "")
			bySecret := f.post(t, f.s.paths().token, url.Values{"grant_type": {"client_credentials"}, "scope": {ScopeRead},
				"client_id": {"nobody"}, "client_secret": {"x"}}, "", "")
			byAssertion.raw, bySecret.raw = strings.TrimSpace(byAssertion.raw), strings.TrimSpace(bySecret.raw)
			if byAssertion.status != 401 || byAssertion.body["access_token"] != nil {
				t.Fatalf("an assertion for an unknown client: got %d %s, want 401 and no token", byAssertion.status, byAssertion.raw)
			}
			code := byAssertion.body["error"]
			if style == StyleOkta {
				code = byAssertion.body["errorCode"]
			}
			if code != "invalid_client" {
				t.Errorf("an assertion for an unknown client: got %s, want invalid_client", byAssertion.raw)
			}
			delete(byAssertion.body, "errorId") // Okta's is random in every answer
			delete(bySecret.body, "errorId")
			if !reflect.DeepEqual(byAssertion.body, bySecret.body) || byAssertion.status != bySecret.status {
				t.Errorf("an unknown client: got %d %s by assertion, want the %d %s it gets by secret",
					byAssertion.status, byAssertion.raw, bySecret.status, bySecret.raw)
			}
		})
	}
}

// Keycloak lists the algorithms too (real Okta does not).
func TestDiscoveryAdvertisesJWTClientAuth(t *testing.T) {
	for _, style := range []Style{StyleKeycloak, StyleOkta} {
		f := start(t, style)
		var doc map[string]any
		resp, err := f.ts.Client().Get(f.s.Issuer() + "/.well-known/openid-configuration")
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		methods, _ := json.Marshal(doc["token_endpoint_auth_methods_supported"])
		if !strings.Contains(string(methods), `"private_key_jwt"`) || !strings.Contains(string(methods), `"client_secret_jwt"`) {
			t.Errorf("%s: token_endpoint_auth_methods_supported %s, want private_key_jwt and client_secret_jwt", style, methods)
		}
		algs, _ := json.Marshal(doc["token_endpoint_auth_signing_alg_values_supported"])
		if style == StyleKeycloak && string(algs) != `["RS256","ES256","HS256"]` {
			t.Errorf("keycloak: token_endpoint_auth_signing_alg_values_supported %s, want [RS256 ES256 HS256]", algs)
		}
	}
}

// TestCheckClientJWTRegistrations: what a JWT client's registration must hold.
func TestCheckClientJWTRegistrations(t *testing.T) {
	rk := testkey.RSA()
	priv, _ := jwk.Import(rk)
	pub, _ := priv.PublicKey()
	pubSet, _ := json.Marshal(map[string]any{"keys": []any{pub}})
	privSet, _ := json.Marshal(map[string]any{"keys": []any{priv}})
	cc := []string{"client_credentials"}
	for _, tc := range []struct {
		c    Client
		want string
	}{
		{Client{ID: "a", AuthMethod: "private_key_jwt", Grants: cc}, "needs jwks"},
		{Client{ID: "a", AuthMethod: "private_key_jwt", JWKS: privSet, Grants: cc}, "is a private key"},
		{Client{ID: "a", AuthMethod: "private_key_jwt", JWKS: []byte(`{"keys":[]}`), Grants: cc}, "holds no key"},
		{Client{ID: "a", AuthMethod: "private_key_jwt", JWKS: pubSet, Secret: "s", Grants: cc}, "drop the client_secret"},
		{Client{ID: "a", AuthMethod: "client_secret_jwt", Grants: cc}, "signs with the client secret"},
		{Client{ID: "a", AuthMethod: "tls_client_auth", Secret: "s", Grants: cc}, "not supported here"},
		{Client{ID: "a", AuthMethod: "private_key_jwt", JWKS: pubSet, Grants: cc}, ""},
	} {
		err := CheckClient(&tc.c)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s with jwks %s: got %v, want %q", tc.c.AuthMethod, tc.c.JWKS, err, tc.want)
		}
	}
}
