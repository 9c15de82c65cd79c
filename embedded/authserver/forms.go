package authserver

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The login form is protected against cross-site posts (login CSRF): a
// page elsewhere that posts a user name and password to the login
// endpoint would sign the browser's user in as someone else, and hand the
// application a code it did not ask for. The device verification page's
// form, a sign-in too, is protected alike. Two checks, either enough alone:
//
//   - the browser's own word: Sec-Fetch-Site, or Origin against Host
//     (net/http's CrossOriginProtection);
//   - a per-form anti-forgery value: each login page carries one, bound by
//     an HMAC to a cookie of the browser it was shown to (SameSite=Strict,
//     HttpOnly) and to the time it was shown. A page elsewhere can neither
//     read the cookie nor make a value for it.
const (
	formCookie = "oauthlab_login"
	formField  = "csrf_token"
	// formTTL is how long a login page may wait for its post: Keycloak's
	// default login timeout.
	formTTL = 30 * time.Minute
)

func newFormKey() []byte {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return k
}

// loginCookie returns the browser's login cookie, setting one when it has
// none that this server could have set.
func (s *Server) loginCookie(w http.ResponseWriter, r *http.Request) string {
	if ck, err := r.Cookie(formCookie); err == nil && len(ck.Value) == 43 {
		return ck.Value
	}
	v := randomToken()
	http.SetCookie(w, &http.Cookie{Name: formCookie, Value: v, Path: r.URL.Path, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	return v
}

// formToken is a fresh anti-forgery value for a form shown to the browser
// holding cookie: when it was shown, a nonce, and their HMAC with the cookie.
func (s *Server) formToken(cookie string) string {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	nonce := randomToken()[:22]
	return ts + "." + nonce + "." + s.formMAC(cookie, ts, nonce)
}

func (s *Server) formMAC(cookie, ts, nonce string) string {
	m := hmac.New(sha256.New, s.formKey)
	m.Write([]byte(cookie + "|" + ts + "|" + nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkForm says why a posted login form cannot be trusted, "" when it can.
func (s *Server) checkForm(r *http.Request, token string) string {
	if err := http.NewCrossOriginProtection().Check(r); err != nil {
		return "the form was posted from another site (" + err.Error() + ")"
	}
	ck, err := r.Cookie(formCookie)
	if err != nil || ck.Value == "" {
		return "no login cookie came with the form: it was posted from another site, or cookies are blocked"
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "the form carries no anti-forgery value"
	}
	if !hmac.Equal([]byte(parts[2]), []byte(s.formMAC(ck.Value, parts[0], parts[1]))) {
		return "the form's anti-forgery value was not made for this browser"
	}
	shown, err := strconv.ParseInt(parts[0], 10, 64)
	if age := time.Since(time.Unix(shown, 0)); err != nil || age > formTTL || age < -time.Minute {
		return "the page is older than " + formTTL.String() + ": it expired"
	}
	return ""
}
