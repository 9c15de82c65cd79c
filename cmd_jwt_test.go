package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/oauthlab/oauthlab/internal/testkey"
)

func writeKey(t *testing.T, path string, k any) {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})))
}

// The whole private_key_jwt and client_secret_jwt story from the command
// line: oauthlab jwk prints the public key, serve --clients registers it,
// oauthlab token --client-key gets a token and shows the assertion
// decoded; another key, or the registered client without its key, is
// refused in Keycloak's words and exits 1.
func TestTokenWithJWTClientAuthAgainstServe(t *testing.T) {
	isolateCache(t)
	dir := t.TempDir()
	key, other := filepath.Join(dir, "client.pem"), filepath.Join(dir, "other.pem")
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	writeKey(t, key, ek)
	rk := testkey.RSA()
	writeKey(t, other, rk)
	// The other key posing as the registered one: its JWK with the same kid.
	code, pub, _ := runCLI(t, "jwk", "--client-key", key)
	var registered struct{ Kid string }
	if code != 0 || json.Unmarshal([]byte(pub), &registered) != nil || registered.Kid == "" {
		t.Fatalf("oauthlab jwk: exit %d, %q", code, pub)
	}
	forged, _ := jwk.Import(rk)
	_ = forged.Set("kid", registered.Kid)
	forgedJSON, _ := json.Marshal(forged)
	impostor := filepath.Join(dir, "impostor.jwk.json")
	writeFile(t, impostor, string(forgedJSON))
	code, jwks, errOut := runCLI(t, "jwk", "--client-key", key, "--set")
	if code != 0 {
		t.Fatalf("oauthlab jwk: exit %d, %s", code, errOut)
	}
	clients := filepath.Join(dir, "clients.json")
	writeFile(t, clients, `{"clients": [
	  {"client_id": "jwt_app", "token_endpoint_auth_method": "private_key_jwt", "jwks": `+strings.TrimSpace(jwks)+`,
	   "grant_types": ["client_credentials"], "scopes": ["fakebookapi.read"]},
	  {"client_id": "hs_app", "token_endpoint_auth_method": "client_secret_jwt", "client_secret": "hs_app_secret_of_at_least_32_bytes!!",
	   "grant_types": ["client_credentials"], "scopes": ["fakebookapi.read"]}]}`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	go runServe(ctx, &serveOptions{addr: freeAddr(t), apiAddr: freeAddr(t), style: "keycloak", realm: "myorg", clientsFile: clients}, &out, &errb)
	issuer := waitFor(t, &out, regexp.MustCompile(`issuer\s+(\S+)`))[1]
	waitFor(t, &out, regexp.MustCompile(`jwt_app\s+\(private_key_jwt\)`))
	t.Setenv("OAUTHLAB_CLIENT_SECRET", "")

	code, stdout, errOut := runCLI(t, "token", "--issuer", issuer, "--client-id", "jwt_app", "--client-key", key, "--scope", "fakebookapi.read")
	if code != 0 {
		t.Fatalf("token with private_key_jwt: exit %d\n%s\n%s", code, stdout, errOut)
	}
	for _, want := range []string{"assertion header", `"alg":"ES256"`, "assertion iss", "jwt_app — the client id", "assertion aud", issuer + "/protocol/openid-connect/token",
		"assertion jti", "assertion exp", "(60 s after iat)", "client_assertion             ********"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the step's output lacks %q:\n%s", want, stdout)
		}
	}

	t.Setenv("OAUTHLAB_CLIENT_SECRET", "hs_app_secret_of_at_least_32_bytes!!")
	if code, stdout, errOut := runCLI(t, "token", "--issuer", issuer, "--client-id", "hs_app", "--auth", "client_secret_jwt", "--scope", "fakebookapi.read", "--curl"); code != 0 ||
		// --curl: the script on stdout, the summary on stderr.
		!strings.Contains(errOut, `"alg":"HS256"`) || !strings.HasPrefix(stdout, "#!/usr/bin/env bash") || strings.Contains(stdout+errOut, "hs_app_secret_of") {
		t.Errorf("token with client_secret_jwt: exit %d; want 0, the HS256 header, and the secret nowhere\n%s\n%s", code, stdout, errOut)
	}

	for _, tc := range []struct {
		args          []string
		secret        string
		want, thenTry string
	}{
		{[]string{"--client-key", impostor}, "", "Client authentication with signed JWT failed: Signature on JWT token failed validation", "register the public key oauthlab jwk --client-key FILE prints"},
		{[]string{"--client-key", other}, "", "Unable to load public key", "import the output of oauthlab jwk"},
		{[]string{"--auth", "basic"}, "a-guess", "Invalid client or Invalid client credentials", "check the client id"},
	} {
		t.Setenv("OAUTHLAB_CLIENT_SECRET", tc.secret)
		args := append([]string{"token", "--issuer", issuer, "--client-id", "jwt_app", "--scope", "fakebookapi.read"}, tc.args...)
		code, stdout, errOut := runCLI(t, args...)
		if code != exitFailed || !strings.Contains(stdout+errOut, tc.want) || !strings.Contains(stdout+errOut, "Try: "+tc.thenTry) {
			t.Errorf("%v: exit %d; want 1, %q and Try: %q\n%s\n%s", tc.args, code, tc.want, tc.thenTry, stdout, errOut)
		}
	}
}
