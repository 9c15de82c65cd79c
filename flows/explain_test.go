package flows

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/oauth"
)

// While the settings point at the embedded world, the advice its starter
// gave replaces oauth's vendor advice; its own port is named when it is
// refused. (internal/setup's tests hold the advice itself true of the
// world.)
func TestEmbeddedAdviceReplacesVendorAdvice(t *testing.T) {
	w, env := world(t, authserver.StyleKeycloak)
	env.Settings.EmbeddedAdvice = []Advice{
		{Code: "invalid_scope", Cause: "not this one"},
		{Code: "unauthorized_client", Contains: []string{"no such words"}, Cause: "nor this one"},
		{Code: "unauthorized_client", Contains: []string{"credentials", "secret", "client_id"}, What: "the embedded server said no",
			Cause: "built in, every one", Try: "use the built-in secret"},
	}
	env.Settings.ClientSecret = "wrong"
	r := RunAll(context.Background(), env, ClientCredentials(), Vars{}, nil)
	e := oauth.Explain(r[len(r)-1].Err)
	if e.Cause != "built in, every one" || e.Try != "use the built-in secret" || !strings.HasPrefix(e.What, "the embedded server said no (HTTP 401)") {
		t.Errorf("got what %q, cause %q, try %q; want the matching advice", e.What, e.Cause, e.Try)
	}
	if e.Retry {
		t.Error("a wrong secret is not worth retrying as is")
	}

	// The issuer edited to a closed port: the Try names the world's own
	// port, not 8080.
	env.Settings.ClientSecret = oauth.Secret(authserver.DemoClientSecret)
	env.Settings.Issuer = "http://127.0.0.1:1/realms/myorg"
	d := Discovery().Steps[0].Run(context.Background(), env, Vars{})
	e = oauth.Explain(d.Err)
	if !strings.Contains(e.Try, w.Issuer) || strings.Contains(e.Explained(), "8080") {
		t.Errorf("refused: want the world's issuer %s and no 8080:\n%s", w.Issuer, e.Explained())
	}

	// A real server is explained as before, advice or not: the console
	// advice is right there.
	_, env = world(t, authserver.StyleKeycloak)
	env.Settings.EmbeddedAdvice = []Advice{{Code: "unauthorized_client", Cause: "built in"}}
	env.Settings.ClientSecret = "wrong"
	env.Settings.EmbeddedIssuer = ""
	r = RunAll(context.Background(), env, ClientCredentials(), Vars{}, nil)
	if e := oauth.Explain(r[len(r)-1].Err); !strings.Contains(e.Try, "Credentials") || e.Cause == "built in" {
		t.Errorf("a Keycloak: want its console advice, got cause %q, try %q", e.Cause, e.Try)
	}
}

// A 409 names the id that exists and offers no retry; an API's own error
// message is shown.
func TestAPIExplanations(t *testing.T) {
	_, env := world(t, authserver.StyleKeycloak)
	env.Settings.Scopes = []string{authserver.ScopeRead, authserver.ScopeAdmin}
	vars := Vars{}
	RunAll(context.Background(), env, ClientCredentials(), vars, nil)
	r := CallAPI(APIRequest{Method: "POST", Path: "/books", Body: []byte(`{"id":1,"title":"T","author":"A","cost":1,"num_pages":2}`)}).Run(context.Background(), env, vars)
	e := oauth.Explain(r.Err)
	if e == nil || e.Status != http.StatusConflict {
		t.Fatalf("POST an existing id: got %v, want a 409", r.Err)
	}
	if e.Retry || !strings.Contains(e.Error(), "id 1 already exists") || !strings.Contains(e.Try, "another id than 1") {
		t.Errorf("409: want the existing id named and no retry, got retry=%v\n%s", e.Retry, e.Explained())
	}

	// A full catalogue is a 409 too, but no id is at fault.
	full := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusConflict)
		w.Write([]byte(`{"error":"catalogue_full","error_description":"the catalogue is full (1000 books)"}`))
	}))
	defer full.Close()
	r = CallAPI(APIRequest{Method: "POST", Path: full.URL + "/books", Body: []byte(`{"id":7,"title":"T","author":"A","cost":1,"num_pages":2}`)}).Run(context.Background(), env, vars)
	if e := oauth.Explain(r.Err); e == nil || strings.Contains(e.Cause, "id 7") || strings.Contains(e.Try, "another id") || !strings.Contains(e.Try, "DELETE") {
		t.Errorf("409 catalogue_full: want no claim about the id and advice to DELETE, got\n%s", e.Explained())
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"message":"field id has the wrong type\u001b[2J"}`))
	}))
	defer srv.Close()
	r = CallAPI(APIRequest{Method: "POST", Path: srv.URL + "/books", Body: []byte(`{"id":9}`)}).Run(context.Background(), env, vars)
	got := oauth.Explain(r.Err).Explained()
	if !strings.Contains(got, "field id has the wrong type") {
		t.Errorf("the API's message is not shown:\n%s", got)
	}
	if strings.Contains(got, "\x1b") {
		t.Errorf("a control character from the API reached the explanation raw: %q", got)
	}

	// 403 without a scope in the challenge: no "the scope named in the answer".
	srv403 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope"`)
		w.WriteHeader(http.StatusForbidden)
	}))
	defer srv403.Close()
	r = CallAPI(APIRequest{Path: srv403.URL}).Run(context.Background(), env, vars)
	if got := oauth.Explain(r.Err).Explained(); strings.Contains(got, "named in the answer") {
		t.Errorf("a 403 naming no scope is told to ask for the scope named in the answer:\n%s", got)
	}
}

// A 2xx does not say the token was accepted: a route that needs none
// answers 200 to a token that is not one.
func TestAPISuccessClaimsNoTokenItDidNotNeed(t *testing.T) {
	_, env := world(t, authserver.StyleKeycloak)
	vars := Vars{VarAccessToken: "not-a-token"}
	r := CallAPI(APIRequest{Method: "GET", Path: "/api/public"}).Run(context.Background(), env, vars)
	if r.Failed() || len(r.Checks) != 1 {
		t.Fatalf("GET /api/public: err %v, checks %+v; want one passed status check", r.Err, r.Checks)
	}
	if why := r.Checks[0].Reason; strings.Contains(why, "token was accepted") || !strings.Contains(why, "needs none") {
		t.Errorf("GET /api/public with a token that is none: got %q, want no claim that the token was accepted", why)
	}
}

// A 403 for a missing scope says how to get it in the face's own terms:
// the TUI runs the token step again; a headless command has no such step.
func TestMissingScopeTryFitsTheFace(t *testing.T) {
	for _, rerun := range []bool{true, false} {
		_, env := world(t, authserver.StyleKeycloak)
		env.Rerun = rerun
		vars := Vars{}
		RunAll(context.Background(), env, ClientCredentials(), vars, nil)
		r := CallAPI(APIRequest{Method: "POST", Path: "/books", Body: []byte(`{"id":9,"title":"T","author":"A","cost":1,"num_pages":2}`)}).Run(context.Background(), env, vars)
		e := oauth.Explain(r.Err)
		if e == nil {
			t.Fatalf("rerun %v: POST /books with a read token: got no error, want 403", rerun)
		}
		if step := strings.Contains(e.Try, "token step"); step != rerun || !strings.Contains(e.Try, authserver.ScopeAdmin) {
			t.Errorf("rerun %v: Try %q; want the scope named, and the token step only where there is one", rerun, e.Try)
		}
	}
}

// An answer below 400 that is no 2xx (a 304) served nothing and is no
// pass; a 2xx passes without claiming the token was accepted.
func TestAPIAnswerBelow400ThatServesNothing(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   oauth.CheckStatus
	}{{200, oauth.Pass}, {204, oauth.Pass}, {304, oauth.Warn}} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(tc.status) }))
		defer srv.Close()
		env := &Env{HTTP: srv.Client()}
		r := CallAPI(APIRequest{Path: srv.URL + "/api/public"}).Run(context.Background(), env, Vars{VarAccessToken: "expired-token"})
		if r.Err != nil || len(r.Checks) != 1 {
			t.Fatalf("%d: got err %v checks %+v, want one check", tc.status, r.Err, r.Checks)
		}
		c := r.Checks[0]
		if c.Status != tc.want || strings.Contains(c.Reason, "token was accepted") {
			t.Errorf("%d: got %v %q, want %v without a claim that the token was accepted", tc.status, c.Status, c.Reason, tc.want)
		}
	}
}
