package oauth

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// AuthRequest is one authorization code request (RFC 6749 §4.1.1) with PKCE
// (RFC 7636 §4.3) and, for OpenID Connect, a nonce (OIDC Core §3.1.2.1). Keep
// it until the code comes back: ExchangeCode needs the same redirect URI and
// the PKCE verifier.
type AuthRequest struct {
	// AuthURL is the authorization endpoint.
	AuthURL string
	// Client carries the client id, scopes, resources and, for the code
	// exchange, the token URL and client authentication.
	Client      ClientConfig
	RedirectURI string
	State       string
	// Nonce is sent when set; generate one with NewNonce when asking for
	// openid.
	Nonce string
	PKCE  PKCE
	// Extra holds further parameters (prompt, login_hint, acr_values...).
	Extra map[string]string
}

// NewAuthRequest fills in a fresh state, PKCE pair and, when openid is among
// the scopes, a nonce.
func NewAuthRequest(authURL string, client ClientConfig, redirectURI string) AuthRequest {
	r := AuthRequest{AuthURL: authURL, Client: client, RedirectURI: redirectURI, State: NewState(), PKCE: NewPKCE()}
	for _, s := range client.Scopes {
		if s == "openid" {
			r.Nonce = NewNonce()
		}
	}
	return r
}

// URL returns the authorization URL to open in the browser. Query
// parameters already in AuthURL are kept (RFC 6749 §3.1).
func (r AuthRequest) URL() string {
	u, err := url.Parse(r.AuthURL)
	if err != nil {
		return r.AuthURL
	}
	q := u.Query()
	q.Set("response_type", "code")
	q.Set("client_id", r.Client.ClientID)
	if r.RedirectURI != "" {
		q.Set("redirect_uri", r.RedirectURI)
	}
	if len(r.Client.Scopes) > 0 {
		q.Set("scope", strings.Join(r.Client.Scopes, " "))
	}
	if r.State != "" {
		q.Set("state", r.State)
	}
	if r.Nonce != "" {
		q.Set("nonce", r.Nonce)
	}
	if r.PKCE.Challenge != "" {
		q.Set("code_challenge", r.PKCE.Challenge)
		m := r.PKCE.Method
		if m == "" {
			m = "S256"
		}
		q.Set("code_challenge_method", m)
	}
	if r.Client.Audience != "" {
		q.Set("audience", r.Client.Audience)
	}
	for _, res := range r.Client.Resource {
		q.Add("resource", res)
	}
	keys := make([]string, 0, len(r.Extra))
	for k := range r.Extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		q.Set(k, r.Extra[k])
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// ExchangeCode trades an authorization code for tokens (RFC 6749 §4.1.3),
// sending the PKCE verifier (RFC 7636 §4.5), the same redirect_uri and the
// RFC 8707 resources, with the client's authentication ("none" for a public
// client).
func ExchangeCode(ctx context.Context, hc *http.Client, req AuthRequest, code string) (*TokenResponse, []Exchange, error) {
	if code == "" {
		return nil, nil, &Error{Op: "token", What: "there is no authorization code to exchange",
			Cause: "the callback carried no code", Try: "start the login again"}
	}
	form := url.Values{}
	form.Set("grant_type", GrantAuthorizationCode)
	form.Set("code", code)
	if req.RedirectURI != "" {
		form.Set("redirect_uri", req.RedirectURI)
	}
	if req.PKCE.Verifier != "" {
		form.Set("code_verifier", req.PKCE.Verifier)
	}
	for _, res := range req.Client.Resource {
		form.Add("resource", res)
	}
	return RequestToken(ctx, hc, req.Client, form)
}
