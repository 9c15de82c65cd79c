package oauth

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Introspection is an RFC 7662 §2.2 answer.
type Introspection struct {
	Active    bool   `json:"active"`
	Scope     string `json:"scope,omitempty"`
	ClientID  string `json:"client_id,omitempty"`
	Username  string `json:"username,omitempty"`
	TokenType string `json:"token_type,omitempty"`
	Sub       string `json:"sub,omitempty"`
	// Exp is the token's expiry, zero when the server did not say.
	Exp time.Time `json:"exp,omitzero"`
	// Raw holds every member as sent, numbers as json.Number.
	Raw map[string]any `json:"raw,omitempty"`
	// Hint explains an inactive answer: RFC 7662 §2.2 lets the server say
	// nothing more than {"active":false}, so it lists the likely reasons.
	Hint string `json:"hint,omitempty"`
}

// InactiveHint lists why a server answers {"active":false}, including
// Keycloak's audience rule.
const InactiveHint = "The server says only that the token is not active (RFC 7662 §2.2). Likely: it expired or was revoked; " +
	"it comes from another server, realm or authorization server; it is not a token at all (a truncated paste); " +
	"or, on Keycloak 26.6.2 and later (also 26.4.12), the client introspecting is not in the token's aud " +
	"(a client introspecting its own client-credentials token, aud \"account\", gets inactive). " +
	"For Keycloak, introspect with the resource server's client and add an audience mapper so the token names it."

// Introspect asks the introspection endpoint about a token (RFC 7662 §2.1),
// authenticating as cfg's client. hint is the optional token_type_hint
// ("access_token", "refresh_token"). An inactive token is not an error: the
// answer comes back with Active false and a Hint.
func Introspect(ctx context.Context, hc *http.Client, endpoint string, cfg ClientConfig, token, hint string) (*Introspection, []Exchange, error) {
	status, h, body, exs, err := postToken(ctx, hc, "introspect", endpoint, cfg, token, hint)
	if err != nil {
		return nil, exs, err
	}
	if status != http.StatusOK {
		return nil, exs, cfg.explainRefusal(explainResponse("introspect", status, h, body))
	}
	in, err := parseIntrospection(status, h, body)
	if in != nil && !in.Active {
		in.Hint = inactiveHint(token, cfg.ClientID, time.Now())
	}
	return in, exs, err
}

// inactiveHint looks inside a JWT (without trusting it) for the likely
// reason of an inactive answer: it expired, or, on Keycloak 26.6.2+, its aud
// does not name the client asking.
func inactiveHint(token, clientID string, now time.Time) string {
	t, err := DecodeJWT(token)
	if err != nil {
		return InactiveHint
	}
	if exp, ok := t.Claims.Time("exp"); ok && !now.Before(exp) {
		return fmt.Sprintf("The token expired %s ago (exp %s); an expired token is inactive (RFC 7662 §2.2). Get a new one.",
			now.Sub(exp).Round(time.Second), exp.UTC().Format(time.RFC3339))
	}
	aud := t.Claims.Audiences()
	if clientID != "" && !contains(aud, clientID) {
		return fmt.Sprintf("The server says only that the token is not active (RFC 7662 §2.2). Likely: it was revoked; or its aud %q "+
			"does not name the introspecting client %q and the server is Keycloak 26.6.2 or later (also 26.4.12), which then answers "+
			"{\"active\":false} even for a valid token. For Keycloak, introspect as a client the token names (the API's own client), "+
			"or add an audience mapper so tokens name %q.", strings.Join(aud, " "), clientID, clientID)
	}
	return InactiveHint
}

func parseIntrospection(status int, h http.Header, body []byte) (*Introspection, error) {
	raw, err := readObject("introspect", status, h, body, "the introspection answer is not a JSON object",
		"the URL is not an RFC 7662 introspection endpoint", "take introspection_endpoint from discovery")
	if err != nil {
		return nil, err
	}
	if code, _ := raw["error"].(string); code != "" {
		return nil, explainResponse("introspect", status, h, body)
	}
	active, ok := raw["active"].(bool)
	if !ok {
		return nil, &Error{Op: "introspect", Status: status,
			What:  fmt.Sprintf("the introspection answer has no boolean \"active\" (got %v)", raw["active"]),
			Cause: "the endpoint is not RFC 7662 compliant, or the URL is another endpoint",
			Try:   "take introspection_endpoint from discovery"}
	}
	in := &Introspection{Active: active, Raw: raw}
	in.Scope, _ = raw["scope"].(string)
	in.ClientID, _ = raw["client_id"].(string)
	in.Username, _ = raw["username"].(string)
	in.TokenType, _ = raw["token_type"].(string)
	in.Sub, _ = raw["sub"].(string)
	if exp, ok := Claims(raw).Time("exp"); ok {
		in.Exp = exp
	}
	if !active {
		in.Hint = InactiveHint
	}
	return in, nil
}
