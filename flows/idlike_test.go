package flows

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate/validatetest"
)

// oidc-provider's ID token (no typ, a nonce, no scope) given to inspect or
// call as an access token: inspect keeps its verdict and warns, call names
// it as the likely cause of a 401. An access token is told nothing.
func TestAnIDTokenGivenAsAnAccessTokenIsSaidToBeOne(t *testing.T) {
	is := validatetest.NewIssuer(t)
	now := time.Now()
	c := is.Claims(now, "")
	delete(c, "scope")
	c["nonce"], c["aud"] = "N-1", "workbench_cli"
	idt := validatetest.Sign(t, map[string]any{"alg": "RS256", "kid": validatetest.KID}, c, is.RSA)
	at := is.Token(t, is.Claims(now, "api.read"))
	env := &Env{HTTP: &http.Client{}, Settings: Settings{Issuer: is.URL}}

	r := InspectToken(VarAccessToken, idt).Run(context.Background(), env, Vars{})
	mustPass(t, "inspect", r)
	check(t, r.Tokens[0].Checks, CheckIDTokenLike, oauth.Warn)
	r = InspectToken(VarAccessToken, at).Run(context.Background(), env, Vars{})
	if c := findCheck(r.Tokens[0].Checks, CheckIDTokenLike); c.Name != "" {
		t.Errorf("an access token: got %+v, want no id token check", c)
	}

	// oidc-provider's userinfo refusing it.
	api := refusing(t, `Bearer realm="op", error="invalid_token", error_description="invalid token provided"`, "")
	for _, tc := range []struct {
		tok  string
		want bool
	}{{idt, true}, {at, false}} {
		r = CallAPI(APIRequest{Path: api + "/me"}).Run(context.Background(), env, Vars{VarAccessToken: tc.tok})
		var e *oauth.Error
		if !errors.As(r.Err, &e) || strings.Contains(e.Cause, "looks like an ID token") != tc.want {
			t.Errorf("401: got %+v, want the ID token named as the cause: %v", r.Err, tc.want)
		}
	}
}

// A nonce and no scope make an ID token only when the header does not say
// it is an access token, in either of RFC 9068's spellings.
func TestLooksLikeIDTokenHeedsTheAccessTokenTyp(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	for _, tc := range []struct {
		typ  string
		want bool
	}{{"", true}, {"JWT", true}, {"at+jwt", false}, {"application/at+jwt", false}} {
		hdr := `{"alg":"RS256"}`
		if tc.typ != "" {
			hdr = `{"alg":"RS256","typ":"` + tc.typ + `"}`
		}
		tok := enc([]byte(hdr)) + "." + enc([]byte(`{"sub":"a","nonce":"n"}`)) + ".c2ln"
		if got := looksLikeIDToken(tok); got != tc.want {
			t.Errorf("typ %q: got %v, want %v", tc.typ, got, tc.want)
		}
	}
}
