package flows

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
)

// A flow declares the client it runs as; For picks that client's settings.
func TestClientsFor(t *testing.T) {
	machine := Settings{ClientID: "machine"}
	user := Settings{ClientID: "user"}
	device := Settings{ClientID: "device"}
	both := Clients{Machine: machine, User: &user}
	three := Clients{Machine: machine, User: &user, Device: &device}
	tests := []struct {
		name    string
		clients Clients
		flow    Flow
		owner   string // vars[VarTokenClientID]
		want    string
		// refreshOwner is vars[VarRefreshClientID].
		refreshOwner string
	}{
		{"client credentials", both, ClientCredentials(), "", "machine", ""},
		{"code flow", both, AuthorizationCode(), "", "user", ""},
		{"refresh", both, Refresh(), "machine", "user", ""},
		{"revoke the user's token", both, Revoke(), "user", "user", ""},
		{"revoke the machine's token", both, Revoke(), "machine", "machine", ""},
		{"introspect a stranger's token", both, Introspect(), "someone", "machine", ""},
		{"introspect, no token yet", both, Introspect(), "", "machine", ""},
		{"one client does it all", Clients{Machine: machine}, AuthorizationCode(), "", "machine", ""},
		// A refresh token is used by the client it was issued to (RFC 6749
		// §6), whoever obtained the latest access token.
		{"refresh the device's token", three, Refresh(), "machine", "device", "device"},
		{"refresh the user's token", three, Refresh(), "device", "user", "user"},
		{"refresh the machine's token", three, Refresh(), "user", "machine", "machine"},
		{"refresh, owner unknown", three, Refresh(), "", "user", ""},
		{"refresh with one client", Clients{Machine: machine}, Refresh(), "", "machine", "machine"},
		{"revoke the device's token", three, Revoke(), "device", "device", ""},
		{"revoke the device's token, no sign-in client", Clients{Machine: machine, Device: &device}, Revoke(), "device", "device", ""},
		{"refresh the device's token, no sign-in client", Clients{Machine: machine, Device: &device}, Refresh(), "", "device", "device"},
		{"revoke, the device client is the machine's", Clients{Machine: machine, User: &user, Device: &machine}, Revoke(), "machine", "machine", ""},
		{"refresh, the device client is the machine's", Clients{Machine: machine, User: &user, Device: &machine}, Refresh(), "", "machine", "machine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, isUser := tt.clients.For(tt.flow, Vars{VarTokenClientID: tt.owner, VarRefreshClientID: tt.refreshOwner})
			if s.ClientID != tt.want || isUser != (tt.want != "machine") {
				t.Fatalf("got %s (user %v), want %s", s.ClientID, isUser, tt.want)
			}
		})
	}
}

func TestParseAuthMethod(t *testing.T) {
	for in, want := range map[string]string{"": "", "basic": oauth.AuthBasic, "post": oauth.AuthPost,
		oauth.AuthBasic: oauth.AuthBasic, oauth.AuthNone: oauth.AuthNone,
		oauth.AuthPrivateKeyJWT: oauth.AuthPrivateKeyJWT, oauth.AuthSecretJWT: oauth.AuthSecretJWT} {
		if got, err := ParseAuthMethod(in); err != nil || got != want {
			t.Errorf("ParseAuthMethod(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"private_key", "Basic", "secret", "tls_client_auth"} {
		if got, err := ParseAuthMethod(bad); err == nil {
			t.Errorf("ParseAuthMethod(%q) = %q, want an error", bad, got)
		}
	}
}

// The book form's fields come from the request; a number that is not one
// is refused, an empty title is sent (FakeBook's 400 is the lesson).
func TestBookFields(t *testing.T) {
	post := FakeBookCalls()[2]
	if got := strings.Join(post.FieldValues(), "|"); got != "101|Dune|Frank Herbert|9.99|412" {
		t.Fatalf("FieldValues = %s", got)
	}
	if _, err := post.WithFields([]string{"1", "T", "A", "ten", "2"}); err == nil || !strings.Contains(err.Error(), "cost must be a number, e.g. 9.99") {
		t.Fatalf("a bad cost: got %v, want it refused", err)
	}
	if _, err := post.WithFields([]string{"1", "T", "A", "1", "2.5"}); err == nil || !strings.Contains(err.Error(), "num_pages must be a whole number") {
		t.Fatalf("a fractional num_pages: got %v, want it refused", err)
	}
	// The id is a JSON integer, as FakeBook (and the tutorial's) takes it.
	if _, err := post.WithFields([]string{"b7", "T", "A", "1", "2"}); err == nil || !strings.Contains(err.Error(), "id must be a whole number") {
		t.Fatalf("an id that is no integer: got %v, want it refused", err)
	}
	r, err := post.WithFields([]string{"7", "", "A", "12.5", "3"})
	if err != nil {
		t.Fatal(err)
	}
	var book map[string]any
	if err := json.Unmarshal(r.Body, &book); err != nil || book["cost"] != 12.5 || book["num_pages"] != 3.0 || book["title"] != "" || book["id"] != 7.0 {
		t.Fatalf("body %s (%v)", r.Body, err)
	}
	// An empty id is left out: FakeBook gives the next free one.
	if r, err := post.WithFields([]string{"", "T", "A", "1", "2"}); err != nil || strings.Contains(string(r.Body), `"id"`) {
		t.Fatalf("an empty id: body %s (%v), want no id", r.Body, err)
	}
}

func TestTokenScopesAndTimes(t *testing.T) {
	jwt, err := oauth.DecodeJWT("eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjEwMCwiaWF0Ijo0MCwic2NwIjpbImEiLCJiIl19.c2ln")
	if err != nil {
		t.Fatal(err)
	}
	tok := Token{JWT: jwt}
	if got := strings.Join(tok.Scopes(), " "); got != "a b" {
		t.Errorf("Scopes = %q, want a b", got)
	}
	times := tok.Times()
	if len(times) != 2 || times[0].Name != "exp" || !times[0].At.Equal(time.Unix(100, 0)) || times[1].Name != "iat" {
		t.Errorf("Times = %+v, want exp 100 then iat 40", times)
	}
	if (Token{Raw: "opaque"}).Scopes() != nil || (Token{Raw: "opaque"}).Times() != nil {
		t.Error("an opaque token has no claims")
	}
}
