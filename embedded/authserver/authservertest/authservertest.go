// Package authservertest holds the clients tests of the embedded
// authorization server use. Its browser signs in on the login page as a
// person's browser does: it opens the page, keeps the cookie the page sets,
// and posts the form back with the page's hidden fields — the authorization
// request and the form's anti-forgery value — so a test exercises the same
// path a browser takes, not a shortcut the server would have to allow. Its
// machine client gets a token by client credentials.
package authservertest

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"

	"github.com/oauthlab/oauthlab/embedded/internal/httpguard"
)

// Form is a login form as the page showed it.
type Form struct {
	// Action is where the form posts, resolved against the page's URL.
	Action *url.URL
	// Fields are the form's hidden fields.
	Fields url.Values
}

var (
	formRE   = regexp.MustCompile(`<form method="post" action="([^"]*)">`)
	hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
)

// WithJar returns client, or a copy of it (http.DefaultClient for nil)
// with a cookie jar when it has none: the login form needs its cookie.
func WithJar(client *http.Client) *http.Client {
	if client == nil {
		client = http.DefaultClient
	}
	if client.Jar != nil {
		return client
	}
	c := *client
	c.Jar, _ = cookiejar.New(nil)
	return &c
}

// Open GETs the login page at authURL and reads its form. client needs a
// cookie jar (see WithJar) for the post to be accepted.
func Open(client *http.Client, authURL string) (*Form, error) {
	resp, page, err := httpguard.Get(context.Background(), client, authURL)
	if err != nil {
		return nil, err
	}
	m := formRE.FindSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		return nil, fmt.Errorf("login page: %s, no login form in %.300q", resp.Status, page)
	}
	action, err := resp.Request.URL.Parse(html.UnescapeString(string(m[1])))
	if err != nil {
		return nil, fmt.Errorf("login form action: %w", err)
	}
	f := &Form{Action: action, Fields: url.Values{}}
	for _, h := range hiddenRE.FindAllSubmatch(page, -1) {
		f.Fields.Add(html.UnescapeString(string(h[1])), html.UnescapeString(string(h[2])))
	}
	return f, nil
}

// Post submits the form as user with password, pressing the consent
// button ("allow" or "deny"). Whether the redirect that answers is
// followed is client's CheckRedirect's choice. The caller closes the body.
func (f *Form) Post(client *http.Client, user, password, consent string) (*http.Response, error) {
	v := url.Values{}
	for k, vs := range f.Fields {
		v[k] = append([]string(nil), vs...)
	}
	v.Set("username", user)
	v.Set("password", password)
	v.Set("consent", consent)
	req, err := http.NewRequest(http.MethodPost, f.Action.String(), strings.NewReader(v.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// What a browser sends with a form posted from the page itself.
	req.Header.Set("Origin", f.Action.Scheme+"://"+f.Action.Host)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return client.Do(req)
}

// SignIn opens the login page at authURL and submits it as user with
// password and consent, with client (given a cookie jar when it has none).
// The caller closes the body.
func SignIn(client *http.Client, authURL, user, password, consent string) (*http.Response, error) {
	client = WithJar(client)
	f, err := Open(client, authURL)
	if err != nil {
		return nil, err
	}
	return f.Post(client, user, password, consent)
}

// Device opens the device verification page at verifyURL (RFC 8628
// §3.3) and submits it as a person does: the user code typed, signed in
// as user with password, pressing consent ("allow" or "deny"), with client
// (given a cookie jar when it has none). The caller closes the body.
func Device(client *http.Client, verifyURL, userCode, user, password, consent string) (*http.Response, error) {
	client = WithJar(client)
	f, err := Open(client, verifyURL)
	if err != nil {
		return nil, err
	}
	f.Fields.Set("device_user_code", userCode)
	return f.Post(client, user, password, consent)
}

// ClientCredentials gets an access token for the client id with secret by
// the client credentials grant (RFC 6749 §4.4) at tokenURL, the client
// authenticating with HTTP Basic (§2.3.1), as a machine client does. An
// answer other than 200 with an access_token is an error that quotes it.
func ClientCredentials(client *http.Client, tokenURL, id, secret, scope string) (string, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	if scope != "" {
		form.Set("scope", scope)
	}
	resp, body, err := postForm(client, tokenURL, id, secret, form)
	if err != nil {
		return "", err
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &tok) != nil || tok.AccessToken == "" {
		return "", fmt.Errorf("client credentials for %s at %s: %s %.300q, want 200 with an access token", id, tokenURL, resp.Status, body)
	}
	return tok.AccessToken, nil
}

// Revoke revokes token at revokeURL (RFC 7009 §2.1) as the client id with
// secret, authenticating with HTTP Basic. An answer other than 200 is an
// error that quotes it.
func Revoke(client *http.Client, revokeURL, id, secret, token string) error {
	resp, body, err := postForm(client, revokeURL, id, secret, url.Values{"token": {token}})
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("revoking at %s as %s: %s %.300q, want 200", revokeURL, id, resp.Status, body)
	}
	return nil
}

// postForm posts form to u as a confidential client authenticating with
// HTTP Basic (RFC 6749 §2.3.1), and reads up to 1 MiB of the answer.
func postForm(client *http.Client, u, id, secret string, form url.Values) (*http.Response, []byte, error) {
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp, body, nil
}
