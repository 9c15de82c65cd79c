package oauth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// ClientCredentials gets a token with the client credentials grant (RFC 6749
// §4.4) through golang.org/x/oauth2/clientcredentials. The auth method is
// set explicitly, so one call is exactly one exchange. Audience and RFC 8707
// resource parameters go along when set.
func ClientCredentials(ctx context.Context, hc *http.Client, cfg ClientConfig) (*TokenResponse, []Exchange, error) {
	ctx = ctxOrBackground(ctx)
	if cfg.TokenURL == "" {
		return nil, nil, &Error{Op: "token", What: "no token endpoint is set",
			Cause: "discovery was not run or the server does not list token_endpoint",
			Try:   "run discovery first, or give the token endpoint URL"}
	}
	if cfg.ClientID == "" {
		return nil, nil, &Error{Op: "token", What: "no client id is set",
			Cause: "the client credentials grant authenticates a client (RFC 6749 §4.4)",
			Try:   "give --client-id and the secret (--client-secret-env or OAUTHLAB_CLIENT_SECRET)"}
	}
	if e := checkURL("token", cfg.TokenURL); e != nil {
		return nil, nil, e
	}
	if cfg.ClientSecret.IsZero() && normalizeAuthMethod(cfg.AuthMethod) != AuthNone {
		return nil, nil, &Error{Op: "token", What: "no client secret is set",
			Cause: "the client credentials grant authenticates the client with its secret (RFC 6749 §4.4), and none was given or the variable holding it is empty",
			Try:   "set OAUTHLAB_CLIENT_SECRET, or use --client-secret-env VAR or --client-secret-file FILE"}
	}
	if e := cfg.checkMethod("token"); e != nil {
		return nil, nil, e
	}
	params := url.Values{}
	cfg.addTargets(params, false)
	secret := cfg.ClientSecret.Reveal()
	if cfg.method() == AuthNone {
		secret = "" // x/oauth2 would send a non-empty secret in the body
	}
	cc := clientcredentials.Config{
		ClientID:       cfg.ClientID,
		ClientSecret:   secret,
		TokenURL:       cfg.TokenURL,
		Scopes:         cfg.Scopes,
		EndpointParams: params,
		AuthStyle:      cfg.authStyle(),
	}
	client, rec := recordingClient(hc)
	_, err := cc.Token(context.WithValue(ctx, oauth2.HTTPClient, client))
	exs := rec.Take()
	// A failure of the client itself (a timeout, a refused redirect, which
	// looks like a 307 answer in the exchanges) is explained from its
	// error; a failure while x/oauth2 read the body (an answer over the
	// size cap) from the recorded cause, as x/oauth2 wraps that with %v.
	var ue *url.Error
	if errors.As(err, &ue) {
		return nil, exs, explainTransport("token", err)
	}
	if len(exs) > 0 && exs[len(exs)-1].cause != nil {
		return nil, exs, explainTransport("token", exs[len(exs)-1].cause)
	}
	if len(exs) == 0 || exs[len(exs)-1].Err != "" {
		if err == nil {
			err = errors.New("no exchange was recorded")
		}
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return nil, exs, Explain(err)
		}
		return nil, exs, explainTransport("token", err)
	}
	// Parse the recorded answer ourselves: the same parser serves every
	// grant, and it keeps every member (x/oauth2 drops some).
	last := exs[len(exs)-1]
	if last.Status < 200 || last.Status > 299 {
		e := explainResponse("token", last.Status, last.ResponseHeader, last.ResponseBody)
		e.Err = err
		return nil, exs, e
	}
	t, perr := parseTokenResponse("token", last.Status, last.ResponseHeader, last.ResponseBody, received(last))
	if perr != nil {
		return t, exs, perr
	}
	if err != nil {
		return t, exs, Explain(err)
	}
	return t, exs, nil
}

// received is when an exchange's answer arrived.
func received(ex Exchange) time.Time { return ex.Start.Add(ex.Duration) }
