package flows

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate/validatetest"
)

// answering is a server that answers every request with status and body.
func answering(t *testing.T, status int, body string) string {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(s.Close)
	return s.URL
}

// refusing is an API that answers every request 401 with challenge as its
// WWW-Authenticate, and body (JSON) when there is one.
func refusing(t *testing.T, challenge, body string) string {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("WWW-Authenticate", challenge)
		if body != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(s.Close)
	return s.URL
}

func labEnv(s Settings) *Env { return &Env{HTTP: &http.Client{Timeout: 5 * time.Second}, Settings: s} }

func onlyCheck(t *testing.T, r Result) oauth.Check {
	t.Helper()
	if r.Err != nil || len(r.Checks) != 1 {
		t.Fatalf("got err %v, checks %+v; want one check", r.Err, r.Checks)
	}
	return r.Checks[0]
}

// "protection held" needs the 401 to name the check the lab is about: a
// protected API that refuses for another reason (or answers 200) shows
// nothing about the protection.
func TestProtectedStepBecauseNeedsTheRightRefusal(t *testing.T) {
	tests := []struct {
		status int
		body   string
		want   oauth.CheckStatus
	}{
		{401, `{"error":"invalid_token","failed_check":"active"}`, oauth.Pass},
		{401, `{"error":"invalid_token","failed_check":"signature"}`, oauth.Fail},
		{401, `not json`, oauth.Fail},
		{200, `[]`, oauth.Fail},
		{403, `{"failed_check":"active"}`, oauth.Fail},
	}
	for _, tt := range tests {
		api := answering(t, tt.status, tt.body)
		c := onlyCheck(t, protectedStepBecause("active").Run(context.Background(), labEnv(Settings{LabProtectedAPI: api}), Vars{varLabToken: "t"}))
		if c.Name != CheckProtectionHeld || c.Status != tt.want {
			t.Errorf("%d %s: got %s %v (%s), want %v", tt.status, tt.body, c.Name, c.Status, c.Reason, tt.want)
		}
	}
}

// Both APIs must accept the token before the lab changes anything.
func TestBothAcceptStepNeedsTwo200s(t *testing.T) {
	ok, refused := answering(t, 200, `[]`), answering(t, 401, `{}`)
	for _, tt := range []struct {
		weak, protected string
		want            oauth.CheckStatus
	}{{ok, ok, oauth.Pass}, {ok, refused, oauth.Fail}, {refused, ok, oauth.Fail}} {
		s := bothAcceptStep("x", "x", Client, VarAccessToken, "")
		c := onlyCheck(t, s.Run(context.Background(), labEnv(Settings{LabWeakAPI: tt.weak, LabProtectedAPI: tt.protected}), Vars{VarAccessToken: "t"}))
		if c.Status != tt.want {
			t.Errorf("weak %s protected %s: got %v (%s), want %v", tt.weak, tt.protected, c.Status, c.Reason, tt.want)
		}
	}
	if r := bothAcceptStep("x", "x", Client, VarAccessToken, "").Run(context.Background(), labEnv(Settings{}), Vars{}); r.Err == nil {
		t.Error("outside a lab world: got no error, want one")
	}
}

// The rotation is "withdrawn" only when the jwks_uri, read afterwards,
// lists the new key and not the leaked one the attacker's token names.
func TestRotateStepReadsTheJWKS(t *testing.T) {
	is := validatetest.NewIssuer(t)
	attackToken := validatetest.Sign(t, map[string]any{"alg": "RS256", "kid": "leaked"}, map[string]any{"sub": "attacker"}, is.RSA)
	tests := []struct {
		name, admin, jwks string
		want              oauth.CheckStatus
		reason            string
	}{
		{"done", `{"signing_kid":"new","withdrawn_kid":"leaked"}`, `{"keys":[{"kid":"new"}]}`, oauth.Pass, "no longer lists leaked"},
		{"still published", `{"signing_kid":"new","withdrawn_kid":"leaked"}`, `{"keys":[{"kid":"new"},{"kid":"leaked"}]}`, oauth.Fail, "still lists leaked"},
		{"new key missing", `{"signing_kid":"new","withdrawn_kid":"leaked"}`, `{"keys":[{"kid":"other"}]}`, oauth.Fail, "does not list new"},
		{"another key withdrawn", `{"signing_kid":"new","withdrawn_kid":"old"}`, `{"keys":[{"kid":"new"},{"kid":"leaked"}]}`, oauth.Fail, "still lists"},
		{"another key withdrawn, leaked gone", `{"signing_kid":"new","withdrawn_kid":"old"}`, `{"keys":[{"kid":"new"}]}`, oauth.Fail, "not the leaked one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := labEnv(Settings{LabAdminURL: answering(t, 200, tt.admin)})
			r := rotateStep().Run(context.Background(), env, Vars{VarJWKSURI: answering(t, 200, tt.jwks), varLabToken: attackToken})
			c := onlyCheck(t, r)
			if c.Status != tt.want || !strings.Contains(c.Reason, tt.reason) {
				t.Errorf("got %v (%s), want %v saying %q", c.Status, c.Reason, tt.want, tt.reason)
			}
		})
	}
	env := labEnv(Settings{LabAdminURL: answering(t, 500, `{"error":"no"}`)})
	if r := rotateStep().Run(context.Background(), env, Vars{VarJWKSURI: answering(t, 200, `{"keys":[]}`)}); r.Err == nil {
		t.Error("an admin URL answering 500: got no error, want the step failed")
	}
}

// The attacker's token is signed by the leaked key, names its kid and
// says what the attacker wants; a leaked key that did not sign the
// genuine token (a world rotated since) is refused, and the key is a
// secret output.
func TestForgeLeakedSignsWithTheLeakedKey(t *testing.T) {
	is := validatetest.NewIssuer(t)
	genuine := validatetest.Sign(t, map[string]any{"alg": "RS256", "kid": "k1", "typ": "JWT"},
		map[string]any{"sub": "service", "scope": "fakebookapi.read", "exp": time.Now().Add(time.Minute).Unix()}, is.RSA)
	pemOf := func(k *rsa.PrivateKey) oauth.Secret {
		return oauth.Secret(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
	}
	var r Result
	tok, err := forgeLeaked(context.Background(), labEnv(Settings{LabLeakedKey: pemOf(is.RSA)}), Vars{VarAccessToken: genuine}, &r)
	if err != nil {
		t.Fatal(err)
	}
	j, err := oauth.DecodeJWT(tok)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(j.SigningInput))
	if rsa.VerifyPKCS1v15(&is.RSA.PublicKey, crypto.SHA256, sum[:], j.Signature) != nil {
		t.Error("the forged token does not verify with the leaked key")
	}
	if j.Header["kid"] != "k1" || j.Header["alg"] != "RS256" || j.Claims["sub"] != "attacker" {
		t.Errorf("got header %v, sub %v; want kid k1, RS256, sub attacker", j.Header, j.Claims["sub"])
	}
	if len(r.Outputs) == 0 || r.Outputs[0].Name != "leaked_key" || !r.Outputs[0].Secret {
		t.Errorf("outputs %v: want the leaked key first, marked secret", r.Outputs)
	}

	if _, err := forgeLeaked(context.Background(), labEnv(Settings{LabLeakedKey: pemOf(is.Other)}), Vars{VarAccessToken: genuine}, &Result{}); err == nil ||
		!strings.Contains(err.Error(), "did not sign the client's genuine token") {
		t.Errorf("a leaked key that did not sign the genuine token: got %v, want a refusal", err)
	}
	if _, err := forgeLeaked(context.Background(), labEnv(Settings{}), Vars{VarAccessToken: genuine}, &Result{}); err == nil {
		t.Error("no leaked key: got no error, want one")
	}
}

// The forged-token labs' protection is one check each (alg for alg-none
// and alg-confusion, aud for audience): a 401 at another check, an expired
// token say, is not the protection held.
func TestForgedTokenLabsNeedTheirOwnRefusal(t *testing.T) {
	for name, want := range map[string]string{"alg-none": "alg", "alg-confusion": "alg", "audience": "aud"} {
		lab, ok := LabByName(name)
		if !ok {
			t.Fatalf("no lab %s", name)
		}
		protected := lab.Steps[len(lab.Steps)-1]
		for _, failed := range []string{want, "exp"} {
			api := answering(t, 401, `{"error":"invalid_token","failed_check":"`+failed+`"}`)
			c := onlyCheck(t, protected.Run(context.Background(), labEnv(Settings{LabProtectedAPI: api}), Vars{varLabToken: "t"}))
			if got, wantStatus := c.Status, map[bool]oauth.CheckStatus{true: oauth.Pass, false: oauth.Fail}[failed == want]; c.Name != CheckProtectionHeld || got != wantStatus {
				t.Errorf("%s, 401 at %s: got %s %v (%s), want %v", name, failed, c.Name, got, c.Reason, wantStatus)
			}
		}
	}
}
