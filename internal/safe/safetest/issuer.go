package safetest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
)

// urlPayload is the part of Payload a URL can hold: a C1 CSI and a bidi
// override.
const urlPayload = "\u009b31m\u202eevil"

// The client ids the token endpoint answers differently.
const (
	// ClientOK gets a token whose header, claims, token_type and scope are hostile.
	ClientOK = "good"
	// ClientRefused gets an RFC 6749 §5.2 error whose error_description is hostile.
	ClientRefused = "refused"
	// ClientHTML gets an HTML error page holding raw escapes.
	ClientHTML = "html"
)

// Issuer is a running hostile issuer.
type Issuer struct {
	URL    string
	Server *httptest.Server
}

// NewIssuer starts a hostile issuer on 127.0.0.1 and stops it at the end of t.
func NewIssuer(t testing.TB) *Issuer {
	t.Helper()
	is := &Issuer{}
	mux := http.NewServeMux()
	is.Server = httptest.NewServer(mux)
	t.Cleanup(is.Server.Close)
	is.URL = is.Server.URL
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		// Endpoints must be http(s) URLs, or discovery refuses the whole
		// document; ESC and BEL cannot be in a URL, so the endpoints carry
		// the C1 and bidi part of the payload.
		writeJSON(w, http.StatusOK, map[string]any{
			"issuer": is.URL, "token_endpoint": is.URL + "/token", "jwks_uri": is.URL + "/jwks",
			"authorization_endpoint":                is.URL + "/auth",
			"introspection_endpoint":                is.URL + "/introspect" + urlPayload,
			"revocation_endpoint":                   is.URL + "/revoke" + urlPayload,
			"userinfo_endpoint":                     is.URL + "/userinfo" + urlPayload,
			"grant_types_supported":                 []string{"client_credentials", Payload},
			"token_endpoint_auth_methods_supported": []string{"client_secret_post", Payload},
			"code_challenge_methods_supported":      []string{Payload},
			"service_documentation":                 Payload,
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"keys": []any{}})
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		id, _, ok := r.BasicAuth()
		if !ok {
			id = r.PostFormValue("client_id")
		}
		switch id {
		case ClientOK:
			writeJSON(w, http.StatusOK, map[string]any{"access_token": is.Token(t), "token_type": "Bearer" + Payload,
				"expires_in": 300, "scope": "fakebookapi.read " + Payload})
		case ClientHTML:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte("<html><head><title>" + Payload + "</title></head><body>" + Payload + "</body></html>"))
		default:
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_scope", "error_description": Payload})
		}
	})
	return is
}

// Token is a JWT with hostile header keys and values and hostile claims,
// iss this issuer, valid for five minutes, with no signature a key could
// verify: its header says RS256, and it is an HMAC with a key nobody has.
// Encoded as encoding/json does: ESC and BEL as \u001b and \u0007 in the
// JSON text (real bytes once decoded), C1 and the bidi override raw.
func (is *Issuer) Token(t testing.TB) string {
	now := time.Now()
	tok, err := oauth.SignJWT(map[string]any{"alg": "RS256", "typ": "at+jwt", "kid": "k" + Payload, "x" + Payload: Payload},
		map[string]any{"iss": is.URL, "sub": Payload, "aud": Payload, "client_id": Payload,
			"scope": "fakebookapi.read " + Payload, "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(5 * time.Minute).Unix()},
		[]byte("not the issuer's key"))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
