package validate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/oauthlab/oauthlab/oauth"
)

// discoverJWKS finds the issuer's jwks_uri: OpenID Connect Discovery 1.0 §4
// first, then RFC 8414 §3 (path inserted after /.well-known/). The
// document's issuer must equal the one asked for (RFC 8414 §3.3), or a
// look-alike server could hand over its own keys.
func discoverJWKS(ctx context.Context, hc *http.Client, issuer string) (string, error) {
	base := strings.TrimRight(issuer, "/")
	candidates := []string{base + "/.well-known/openid-configuration"}
	if u, err := url.Parse(issuer); err == nil && u.Host != "" {
		p := strings.TrimRight(u.Path, "/")
		candidates = append(candidates, u.Scheme+"://"+u.Host+"/.well-known/oauth-authorization-server"+p)
	}
	var errs []string
	for _, doc := range candidates {
		jwks, err := fetchJWKSURI(ctx, hc, doc, issuer)
		if err == nil {
			return jwks, nil
		}
		var na *noAnswerError
		if errors.As(err, &na) {
			// The other document lives on the same host: no point asking.
			return "", fmt.Errorf("could not fetch the issuer's metadata: %w", na.err)
		}
		var big *oauth.BodyTooLargeError
		if errors.As(err, &big) {
			// A server that sends megabytes here is not one to ask again.
			return "", fmt.Errorf("could not fetch the issuer's metadata: %w", big)
		}
		errs = append(errs, err.Error())
	}
	return "", fmt.Errorf("could not find the issuer's keys: %s; check the issuer URL (Keycloak: .../realms/<realm>, Okta: .../oauth2/default)", strings.Join(errs, "; "))
}

func fetchJWKSURI(ctx context.Context, hc *http.Client, doc, issuer string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, doc, nil)
	if err != nil {
		return "", fmt.Errorf("%s: %v", doc, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		// No answer at all: keep the cause (a *url.Error) for
		// oauth.Explain, which says it in plain words.
		return "", &noAnswerError{err}
	}
	defer resp.Body.Close()
	body, err := readCapped(resp.Body, doc)
	if err != nil {
		return "", fmt.Errorf("%s: %w", doc, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s answered %d", doc, resp.StatusCode)
	}
	var m struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return "", fmt.Errorf("%s is not JSON metadata: %v", doc, err)
	}
	if m.Issuer != issuer {
		return "", fmt.Errorf("%s names issuer %q, expected %q exactly", doc, m.Issuer, issuer)
	}
	if m.JWKSURI == "" {
		return "", fmt.Errorf("%s has no jwks_uri", doc)
	}
	if !oauth.IsHTTPURL(m.JWKSURI) {
		// A file: or smb: URL in metadata must not be fetched.
		return "", fmt.Errorf("%s names jwks_uri %q, which %s", doc, m.JWKSURI, oauth.URLFault(m.JWKSURI))
	}
	return m.JWKSURI, nil
}

// noAnswerError is a metadata request that got no HTTP answer.
type noAnswerError struct{ err error }

func (e *noAnswerError) Error() string { return e.err.Error() }
func (e *noAnswerError) Unwrap() error { return e.err }
