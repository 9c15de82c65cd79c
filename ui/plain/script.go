package plain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/safe"
	"github.com/oauthlab/oauthlab/oauth"
)

// Script is the --json document with what a script wants at the top, so
// that the obvious jq path works (jq -r .access_token), beside the step
// documents (docs/json.md). Each group is set by the flows that have it:
// the token response's fields by a step that got tokens (token, login,
// refresh, the device flow); the verdict, header and claims by inspect;
// active and the response by introspect; status and the response by call.
type Script struct {
	AccessToken string `json:"access_token,omitempty"`
	TokenType   string `json:"token_type,omitempty"`
	// ExpiresIn is as the server sent it, in seconds; ExpiresAt when the
	// access token expires, RFC 3339 in UTC.
	ExpiresIn json.Number `json:"expires_in,omitempty"`
	ExpiresAt string      `json:"expires_at,omitempty"`
	Scope     string      `json:"scope,omitempty"`
	// RefreshToken is ******** unless --reveal: it is a long-lived
	// credential (RFC 6749 §10.4). The access token is what was asked for.
	RefreshToken string `json:"refresh_token,omitempty"`
	IDToken      string `json:"id_token,omitempty"`

	Verdict string          `json:"verdict,omitempty"`
	Valid   *bool           `json:"valid,omitempty"`
	Header  json.RawMessage `json:"header,omitempty"`
	Claims  json.RawMessage `json:"claims,omitempty"`

	Active *bool `json:"active,omitempty"`
	Status int   `json:"status,omitempty"`
	// Response is the last answer's body: introspection's members, an
	// API's JSON (a JSON string when the body is not JSON).
	Response json.RawMessage `json:"response,omitempty"`

	Document
}

// NewScript builds the --json document of a flow's results.
func NewScript(f flows.Flow, steps []flows.Step, results []flows.Result, o Options) Script {
	sc := Script{Document: NewDocument(f, steps, results, o)}
	for i, r := range results {
		switch {
		case hasOutput(r, "token_type"):
			sc.setTokens(r, o)
		case steps[i].To == flows.Client && len(r.Tokens) > 0: // inspect: the client checks a token itself
			t := r.Tokens[0]
			valid := !t.Failed()
			sc.Verdict, sc.Valid = t.Verdict(), &valid
			if t.JWT != nil {
				sc.Header, sc.Claims = t.JWT.HeaderJSON, t.JWT.ClaimsJSON
			}
		case steps[i].Effect == flows.IntrospectsToken:
			if v, ok := output(r, "active"); ok {
				active := v == "true"
				sc.Active = &active
			}
			sc.Response = lastBody(r, o)
		case steps[i].To == flows.ResourceServer && len(r.Exchanges) > 0:
			sc.Status = r.Exchanges[len(r.Exchanges)-1].Status
			sc.Response = lastBody(r, o)
		}
	}
	return sc
}

func (sc *Script) setTokens(r flows.Result, o Options) {
	sc.AccessToken, sc.IDToken, sc.RefreshToken = "", "", ""
	for _, t := range r.Tokens {
		switch t.Name {
		case flows.VarAccessToken:
			sc.AccessToken = t.Raw
		case flows.VarIDToken:
			sc.IDToken = t.Raw
		}
	}
	sc.TokenType, _ = output(r, "token_type")
	sc.Scope, _ = output(r, "scope")
	sc.ExpiresAt, _ = output(r, flows.OutExpiresAt)
	in, _ := output(r, flows.OutExpiresIn)
	sc.ExpiresIn = json.Number(in)
	if rt, ok := output(r, flows.VarRefreshToken); ok && rt != "" {
		sc.RefreshToken = oauth.Redacted
		if o.Reveal {
			sc.RefreshToken = rt
		}
	}
}

func hasOutput(r flows.Result, name string) bool { _, ok := output(r, name); return ok }

func output(r flows.Result, name string) (string, bool) {
	for _, out := range r.Outputs {
		if out.Name == name {
			return out.Value, true
		}
	}
	return "", false
}

// lastBody is the body of the step's last answer as JSON, redacted unless
// revealed; a body that is not JSON is a JSON string.
func lastBody(r flows.Result, o Options) json.RawMessage {
	if len(r.Exchanges) == 0 {
		return nil
	}
	ex := r.Exchanges[len(r.Exchanges)-1]
	if !o.Reveal {
		ex = ex.Redacted()
	}
	b := bytes.TrimSpace(ex.ResponseBody)
	if len(b) == 0 {
		return nil
	}
	if json.Valid(b) {
		return b
	}
	s, _ := json.Marshal(string(b))
	return s
}

// WriteScript writes the document, indented.
func WriteScript(w io.Writer, sc Script) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sc)
}

// FieldError is a --field that the result does not have.
type FieldError struct {
	Name string
	// Known are the fields the result has, for the message.
	Known []string
	// Empty: the result names the field, but it is empty (a refresh token
	// the server did not send).
	Empty bool
	// Parent lacks Member, when the field is a member of a member
	// (claims.email, or claims.realm_access.roles): the one not sent.
	Parent, Member string
}

func (e *FieldError) Error() string {
	if e.Empty {
		if e.Member != "" {
			return "the result has no " + e.Name + ": " + e.Parent + " has no member " + strconv.Quote(e.Member)
		}
		return "the result has no " + e.Name + " (the server sent none)"
	}
	return fmt.Sprintf("no field %q in the result; it has: %s", e.Name, strings.Join(e.Known, ", "))
}

// Field is one field of the results, as --field prints it: the
// document's top-level fields (the secret ones in clear: the user named
// the field), a member of one of them with a dot (claims.sub,
// response.active), else a step's output by its name (discover:
// token_endpoint). A string is itself; anything else is compact JSON.
func Field(f flows.Flow, steps []flows.Step, results []flows.Result, name string) (string, error) {
	sc := NewScript(f, steps, results, Options{Reveal: true})
	sc.Document = Document{}
	b, _ := json.Marshal(sc)
	var top map[string]any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	_ = d.Decode(&top)
	delete(top, "flow")
	delete(top, "ok")
	delete(top, "steps")
	path := strings.Split(name, ".")
	var v any = top
	missing := 0 // path[missing] is a member that path[:missing], a member the result has, lacks
	for i, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			if i >= 2 { // claims.azp.x: a string has no members
				missing = i
			}
			v = nil
			break
		}
		if v = m[p]; v == nil && i > 0 {
			missing = i
			break
		}
	}
	if missing > 0 {
		// claims.email of a token without email: what was sent lacks it.
		return "", &FieldError{Name: name, Empty: true, Parent: strings.Join(path[:missing], "."), Member: path[missing]}
	}
	if v == nil && len(path) == 1 {
		for i := len(results) - 1; i >= 0; i-- {
			if out, ok := output(results[i], name); ok {
				if out == "" {
					return "", &FieldError{Name: name, Empty: true}
				}
				return out, nil
			}
		}
	}
	switch x := v.(type) {
	case nil:
		if name == flows.VarRefreshToken || name == flows.VarIDToken {
			return "", &FieldError{Name: name, Empty: true}
		}
		return "", &FieldError{Name: name, Known: known(top, results)}
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	}
	out, _ := json.Marshal(v)
	return string(out), nil
}

// known lists the names Field accepts for these results.
func known(top map[string]any, results []flows.Result) []string {
	var names []string
	for k := range top {
		names = append(names, k)
	}
	for _, r := range results {
		for _, out := range r.Outputs {
			if !slices.Contains(names, out.Name) && out.Value != "" {
				names = append(names, out.Name)
			}
		}
	}
	slices.Sort(names)
	return names
}

// WriteField writes a field's value alone on one line, made visible: a
// token has no control characters, and a hostile server's cannot act on
// the terminal.
func WriteField(w io.Writer, value string) {
	fmt.Fprintln(w, safe.Line(value))
}
