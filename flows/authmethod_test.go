package flows

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/oauth"
)

// oidc-provider answers a secret sent as basic or post for a client
// registered for client_secret_jwt with a bare 401 invalid_client: the
// advice names the JWT methods when the server's metadata offers them,
// and only then.
func TestInvalidClientNamesTheJWTMethodsTheServerTakes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":"invalid_client","error_description":"client authentication failed"}`))
	}))
	defer srv.Close()
	tests := []struct {
		name, methods, auth string
		want                bool
	}{
		{"jwt methods offered", "client_secret_basic client_secret_jwt client_secret_post private_key_jwt none", "", true},
		{"post asked for", "client_secret_basic client_secret_jwt", "post", true},
		{"basic and post only", "client_secret_basic client_secret_post", "", false},
		{"client_secret_jwt sent", "client_secret_basic client_secret_jwt", oauth.AuthSecretJWT, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := &Env{HTTP: &http.Client{}, Settings: Settings{Issuer: srv.URL, ClientID: "jwt_secret_client",
				ClientSecret: oauth.Secret("jwt_secret_client_secret_at_least_32_bytes_long!!"), AuthMethod: tt.auth}}
			r := ClientCredentials().Steps[1].Run(context.Background(), env, Vars{VarTokenEndpoint: srv.URL + "/token", varAuthMethods: tt.methods})
			var e *oauth.Error
			if !errors.As(r.Err, &e) {
				t.Fatalf("got %v, want an explained invalid_client", r.Err)
			}
			// oidc-provider says the same for an unknown client id.
			if tt.auth != oauth.AuthSecretJWT && !strings.HasPrefix(e.Try, "check the client id and its secret") {
				t.Errorf("try: got %q, want it to start with checking the client id", e.Try)
			}
			// A client_secret_jwt client has no key to register.
			if tt.auth == oauth.AuthSecretJWT && (strings.Contains(e.Try, "public key") || !strings.Contains(e.Try, "check the client secret")) {
				t.Errorf("try: got %q, want the secret checked, no key registered", e.Try)
			}
			if got := strings.Contains(e.Try, "--auth client_secret_jwt"); got != tt.want {
				t.Errorf("try: got %q, want the JWT methods named: %v", e.Try, tt.want)
			}
		})
	}
}
