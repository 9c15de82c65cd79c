package flows

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate/validatetest"
)

// A token bound to a DPoP key (cnf.jkt, as oidc-provider issues for a token
// request with a DPoP proof) is valid, but not as a bearer token: inspect
// says so beside its verdict, and call explains a 401 to it by the binding
// and warns when an API takes it as a bearer token.
func TestASenderConstrainedTokenIsNotABearerToken(t *testing.T) {
	is := validatetest.NewIssuer(t)
	claims := is.Claims(time.Now(), "api.read")
	claims["cnf"] = map[string]any{"jkt": "lwIX4jSYPw-oJi2vUV0kZmgoQjX7n88jm9uDyZ6qcsQ"}
	bound := is.Token(t, claims)
	bearer := is.Token(t, is.Claims(time.Now(), "api.read"))
	env := &Env{HTTP: &http.Client{}, Settings: Settings{Issuer: is.URL}}

	r := InspectToken(VarAccessToken, bound).Run(context.Background(), env, Vars{})
	if r.Failed() {
		t.Fatalf("a valid bound token failed: %+v", r.Tokens)
	}
	if c := check(t, r.Tokens[0].Checks, CheckBound, oauth.Warn); !strings.Contains(c.Reason, "cnf.jkt lwIX4jSYPw") || !strings.Contains(c.Reason, "Authorization: DPoP") {
		t.Errorf("cnf: got %q, want the thumbprint and how to send it", c.Reason)
	}
	r = InspectToken(VarAccessToken, bearer).Run(context.Background(), env, Vars{})
	if c := findCheck(r.Tokens[0].Checks, CheckBound); c.Name != "" {
		t.Errorf("a bearer token: got %+v, want no cnf check", c)
	}

	// oidc-provider's answer to a DPoP-bound token sent as Bearer (testdata/interop/README.md).
	op := refusing(t, `DPoP algs="ES256 Ed25519 EdDSA", error="invalid_token", error_description="invalid token provided"`,
		`{"error":"invalid_token","error_description":"invalid token provided"}`)
	taking := answering(t, http.StatusOK, `[]`)

	r = CallAPI(APIRequest{Path: op + "/me"}).Run(context.Background(), env, Vars{VarAccessToken: bound})
	var e *oauth.Error
	if !errors.As(r.Err, &e) || !strings.Contains(e.Cause, "bound to a DPoP key") || !strings.Contains(e.Try, "Authorization: DPoP") {
		t.Errorf("401 to a bound token: got %+v, want the binding as the cause", r.Err)
	}
	r = CallAPI(APIRequest{Path: op + "/me"}).Run(context.Background(), env, Vars{VarAccessToken: bearer})
	if !errors.As(r.Err, &e) || strings.Contains(e.Cause, "bound") {
		t.Errorf("401 to a bearer token: got %+v, want no word of a binding", r.Err)
	}
	// FakeBook's answer to it (embedded/fakebook: it takes bearer tokens
	// only): the explanation of that answer says why, once.
	const desc = "the token is bound to a DPoP key (cnf.jkt) and FakeBook accepts bearer tokens only: it cannot check that the sender holds that key, so it refuses the token; send it to an API that checks the proof, or get a bearer token"
	fakebook := refusing(t, `Bearer realm="fakebook", error="invalid_token", error_description="`+desc+`"`,
		`{"error":"invalid_token","error_description":"`+desc+`","failed_check":"cnf"}`)
	r = CallAPI(APIRequest{Path: fakebook + "/books"}).Run(context.Background(), env, Vars{VarAccessToken: bound})
	if !errors.As(r.Err, &e) || !strings.Contains(e.What, "bound to a key") || strings.Contains(e.Cause, "Otherwise") || !strings.Contains(e.Try, "get a bearer token") {
		t.Errorf("FakeBook's 401 to a bound token: got %+v, want the binding explained once", r.Err)
	}
	r = CallAPI(APIRequest{Path: taking + "/books"}).Run(context.Background(), env, Vars{VarAccessToken: bound})
	mustPass(t, "call", r)
	check(t, r.Checks, CheckBound, oauth.Warn)
	r = CallAPI(APIRequest{Path: taking + "/books"}).Run(context.Background(), env, Vars{VarAccessToken: bearer})
	if c := findCheck(r.Checks, CheckBound); c.Name != "" {
		t.Errorf("a bearer token accepted: got %+v, want no cnf check", c)
	}
}
