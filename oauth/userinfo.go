package oauth

import (
	"context"
	"mime"
	"net/http"
)

// UserInfo calls the OpenID Connect userinfo endpoint (OIDC Core §5.3) with
// the access token. A signed (application/jwt) answer is decoded, not
// verified. A refusal comes back as an *Error carrying the RFC 6750
// WWW-Authenticate error (Keycloak: insufficient_scope "Missing openid
// scope" for a token without openid).
func UserInfo(ctx context.Context, hc *http.Client, endpoint, accessToken string) (map[string]any, []Exchange, error) {
	if endpoint == "" {
		return nil, nil, &Error{Op: "userinfo", What: "the server has no userinfo endpoint",
			Cause: "its discovery document lists no userinfo_endpoint (a plain OAuth server, not OpenID Connect)",
			Try:   "read the user's claims from the ID token instead"}
	}
	if e := checkURL("userinfo", endpoint); e != nil {
		return nil, nil, e
	}
	req, err := http.NewRequestWithContext(ctxOrBackground(ctx), http.MethodGet, endpoint, nil)
	if err != nil {
		return nil, nil, badURL("userinfo", endpoint, err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	status, h, body, exs, err := send(hc, "userinfo", req)
	if err != nil {
		return nil, exs, err
	}
	if status != http.StatusOK {
		return nil, exs, explainResponse("userinfo", status, h, body)
	}
	if mt, _, _ := mime.ParseMediaType(h.Get("Content-Type")); mt == "application/jwt" {
		t, err := DecodeJWT(string(body))
		if err != nil {
			return nil, exs, explainTransport("userinfo", err)
		}
		return t.Claims, exs, nil
	}
	claims, err := readObject("userinfo", status, h, body, "the userinfo answer is not a JSON object",
		"the URL is not a userinfo endpoint", "take userinfo_endpoint from discovery")
	return claims, exs, err
}
