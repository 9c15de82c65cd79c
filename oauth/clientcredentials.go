package oauth

import (
	"context"
	"net/http"
	"net/url"
)

// ClientCredentials gets a token with the client credentials grant (RFC 6749
// §4.4) through RequestToken, the path every grant takes. The scope,
// audience and RFC 8707 resource parameters go along when set.
func ClientCredentials(ctx context.Context, hc *http.Client, cfg ClientConfig) (*TokenResponse, []Exchange, error) {
	if e := checkTokenEndpoint("token", cfg.TokenURL); e != nil {
		return nil, nil, e
	}
	if cfg.ClientID == "" {
		return nil, nil, &Error{Op: "token", What: "no client id is set",
			Cause: "the client credentials grant authenticates a client (RFC 6749 §4.4)",
			Try:   "give --client-id and the secret (--client-secret-env or OAUTHLAB_CLIENT_SECRET)"}
	}
	// The grant is for confidential clients: a missing secret is a mistake
	// to say, not a reason to fall back to a public client's "none".
	if cfg.ClientSecret.IsZero() && cfg.Key == nil && normalizeAuthMethod(cfg.AuthMethod) != AuthNone {
		return nil, nil, &Error{Op: "token", What: "no client secret is set",
			Cause: "the client credentials grant authenticates the client with its secret (RFC 6749 §4.4), and none was given or the variable holding it is empty",
			Try:   "set OAUTHLAB_CLIENT_SECRET, or use --client-secret-env VAR or --client-secret-file FILE; a private_key_jwt client gives --client-key FILE"}
	}
	form := url.Values{}
	form.Set("grant_type", GrantClientCredentials)
	cfg.addTargets(form, true)
	return RequestToken(ctx, hc, cfg, form)
}
