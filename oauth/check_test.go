package oauth_test

import (
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/oauthlab/oauthlab/oauth"
)

func TestCheckJSON(t *testing.T) {
	in := []oauth.Check{{Name: "exp", Status: oauth.Fail, Reason: "expired"}, {Name: "iss", Status: oauth.Pass}, {Name: "sig", Status: oauth.Skip}, {Name: "https", Status: oauth.Warn}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"name":"exp","status":"fail","reason":"expired"},{"name":"iss","status":"pass","reason":""},{"name":"sig","status":"skip","reason":""},{"name":"https","status":"warn","reason":""}]`
	if string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
	var out []oauth.Check
	if err := json.Unmarshal(b, &out); err != nil || out[0] != in[0] || out[3] != in[3] {
		t.Errorf("round trip: got %+v %v", out, err)
	}
	var s oauth.CheckStatus
	if err := json.Unmarshal([]byte(`"maybe"`), &s); err == nil {
		t.Error("unknown status: got no error")
	}
	if !oauth.Failed(in) || oauth.Failed(in[1:]) {
		t.Error("Failed is wrong")
	}
	if oauth.CheckStatus(9).String() != "CheckStatus(9)" {
		t.Errorf("got %q", oauth.CheckStatus(9).String())
	}
}

// at_hash uses the hash of the ID token's alg (OIDC Core §3.1.3.6).
func TestCheckAtHashAlgorithms(t *testing.T) {
	for _, alg := range []string{"RS384", "ES384", "PS512", "EdDSA"} {
		var sum []byte
		if alg == "RS384" || alg == "ES384" {
			s := sha512.Sum384([]byte("at"))
			sum = s[:]
		} else {
			s := sha512.Sum512([]byte("at"))
			sum = s[:]
		}
		h := base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
		idt := jwtOf(t, map[string]any{"alg": alg}, map[string]any{"at_hash": h})
		if c := oauth.CheckAtHash(idt, "at"); c.Status != oauth.Pass {
			t.Errorf("%s: got %v %q, want pass", alg, c.Status, c.Reason)
		}
	}
	if c := oauth.CheckAtHash(jwtOf(t, map[string]any{"alg": "XYZ"}, map[string]any{"at_hash": "x"}), "at"); c.Status != oauth.Warn {
		t.Errorf("unknown alg: got %v, want warn", c.Status)
	}
}
