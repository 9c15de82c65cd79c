package authserver

import (
	"html/template"
	"net/http"
	"strings"
	"time"
)

// The user's side of the device flow (RFC 8628 §3.3): a page, server
// rendered like the login page, where the user types the user code (or
// arrives with it from verification_uri_complete, §3.3.1), signs in and
// approves or denies. Keycloak then redirects to {issuer}/device/status
// with the outcome; Okta's /activate shows it in place.

var devicePageTmpl = template.Must(template.New("device").Parse(pageHead(`#device-user-code{font-size:1.6rem;letter-spacing:.2rem;text-transform:uppercase;font-family:monospace}
.ok{color:#070;font-weight:bold}
`) + `{{if .Error}}<p class="err" id="error">{{.Error}}</p>{{end}}
{{if .Message}}<p class="{{if .Failed}}err{{else}}ok{{end}}" id="message">{{.Message}}</p>{{end}}
{{if .Form}}<div class="box">
{{if .ClientID}}<p><b>{{.ClientID}}</b> on another device asks for: {{range .Scopes}}<code>{{.}}</code> {{end}}</p>{{end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="csrf_token" value="{{.CSRF}}">
<label for="device-user-code">Enter the code shown on your device</label>
<input type="text" id="device-user-code" name="device_user_code" value="{{.UserCode}}" autocomplete="off" autocapitalize="characters" spellcheck="false" {{if not .UserCode}}autofocus{{end}}>
<label for="username">Username</label><input type="text" id="username" name="username" autocomplete="username" {{if .UserCode}}autofocus{{end}}>
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password">
<button type="submit" name="consent" value="allow" id="approve">Sign in and allow the device</button>
<button type="submit" name="consent" value="deny" id="deny">Deny</button>
</form></div>
` + demoUsersNote + `
{{end}}
</body></html>`))

// devicePage fills devicePageTmpl.
type devicePage struct {
	Title, Error, Message, UserCode, ClientID, Action, Style string
	// CSRF is the form's anti-forgery value, as on the login page
	// (forms.go).
	CSRF   string
	Scopes []string
	Form   bool
	Failed bool
}

// The page texts: Keycloak's English theme (messages_en.properties keys
// oauth2DeviceVerificationTitle, oauth2DeviceInvalidUserCodeMessage,
// oauth2DeviceExpiredUserCodeMessage, oauth2DeviceVerificationComplete*,
// oauth2DeviceConsentDeniedMessage); Okta's from its /activate page.
func (s *Server) deviceTexts() (title, invalid, expired, okTitle, okMsg, deniedTitle, deniedMsg string) {
	if s.isOkta() {
		return "Activate your device", "Invalid code. Try again.", "The code has expired. Go back to your device and start again.",
			"Device activated", "Follow the instructions on your device for next steps.",
			"Device not activated", "You denied the device access to your account."
	}
	return "Device Login", "Invalid code, please try again.", "The code has expired. Please go back to your device and try connecting again.",
		"Device Login Successful", "You may close this browser window and go back to your device.",
		"Device Login Failed", "Consent denied for connecting the device."
}

// handleDevicePage shows the code form (GET, with ?user_code= prefilled)
// and takes it (POST).
func (s *Server) handleDevicePage(w http.ResponseWriter, r *http.Request) {
	title, invalid, expired, _, _, _, _ := s.deviceTexts()
	// The form is a sign-in: it carries a fresh anti-forgery value bound to
	// this browser, as the login page's does, each time it is shown.
	page := devicePage{Title: title, Action: r.URL.Path, Form: true, CSRF: s.formToken(s.loginCookie(w, r))}
	if r.Method != http.MethodPost {
		code := r.URL.Query().Get("user_code")
		page.UserCode = code
		if code != "" {
			dc, exp := s.lookupUserCode(code)
			switch {
			case dc == nil:
				page.Error, page.UserCode = invalid, ""
			case exp:
				page.Error, page.UserCode = expired, ""
			default:
				page.ClientID, page.Scopes = dc.clientID, dc.scopes
			}
		}
		s.publish(r, "", http.StatusOK, "showed the device verification page")
		s.renderDevicePage(w, http.StatusOK, page)
		return
	}
	// A post from another site would approve a device as the attacker's
	// account (or deny the user's): the login form's two checks refuse it,
	// the browser's own word and the anti-forgery value bound to the
	// browser that was shown the page.
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		s.renderDevicePage(w, http.StatusBadRequest, devicePage{Title: title, Error: "The form could not be read."})
		return
	}
	if why := s.checkForm(r, r.PostForm.Get(formField)); why != "" {
		s.publish(r, "", http.StatusForbidden, "device page: refused the form: "+why)
		s.renderDevicePage(w, http.StatusForbidden, devicePage{Title: title,
			Error: "This form was posted from another site, or it expired; open the verification page yourself and try again."})
		return
	}
	f := r.PostForm
	typed := f.Get("device_user_code")
	if typed == "" {
		typed = f.Get("user_code")
	}
	dc, exp := s.lookupUserCode(typed)
	switch {
	case dc == nil:
		s.publish(r, "", http.StatusOK, "device page: no device waits for the user code typed")
		page.Error = invalid
		s.renderDevicePage(w, http.StatusOK, page)
		return
	case exp:
		s.publish(r, dc.clientID, http.StatusOK, "device page: the user code has expired")
		page.Error = expired
		s.renderDevicePage(w, http.StatusOK, page)
		return
	}
	page.UserCode, page.ClientID, page.Scopes = strings.TrimSpace(typed), dc.clientID, dc.scopes
	if f.Get("consent") == "deny" {
		s.decideDevice(typed, nil, false)
		s.publish(r, dc.clientID, http.StatusFound, "the user denied the device "+s.displayUserCode(dc.user)+"; its next poll gets access_denied")
		s.deviceOutcome(w, r, false)
		return
	}
	u := s.login(f.Get("username"), f.Get("password"))
	if u == nil {
		s.publish(r, dc.clientID, http.StatusOK, "device page: login failed: wrong user name or password")
		page.Error = "Invalid username or password."
		s.renderDevicePage(w, http.StatusOK, page)
		return
	}
	if _, exp, ok := s.decideDevice(typed, u, true); !ok {
		page.Error = invalid
		if exp {
			page.Error = expired
		}
		s.renderDevicePage(w, http.StatusOK, page)
		return
	}
	s.publish(r, dc.clientID, http.StatusFound, u.Username+" approved the device "+s.displayUserCode(dc.user)+"; its next poll gets the tokens")
	s.deviceOutcome(w, r, true)
}

// deviceOutcome ends the user's part: Keycloak redirects to
// {issuer}/device/status (?error=access_denied on a denial); Okta shows
// the outcome on the page itself.
func (s *Server) deviceOutcome(w http.ResponseWriter, r *http.Request, approved bool) {
	if !s.isOkta() {
		to := s.VerificationURI() + "/status"
		if !approved {
			to += "?error=access_denied"
		}
		s.statusDue.Add(1)
		http.Redirect(w, r, to, http.StatusFound)
		return
	}
	_, _, _, okTitle, okMsg, deniedTitle, deniedMsg := s.deviceTexts()
	if approved {
		s.renderDevicePage(w, http.StatusOK, devicePage{Title: okTitle, Message: okMsg})
		return
	}
	s.renderDevicePage(w, http.StatusOK, devicePage{Title: deniedTitle, Message: deniedMsg, Failed: true})
}

// handleDeviceStatus is Keycloak's {issuer}/device/status: an empty error
// is success, access_denied the denial, anything else a failure (measured).
func (s *Server) handleDeviceStatus(w http.ResponseWriter, r *http.Request) {
	for n := s.statusDue.Load(); n > 0 && !s.statusDue.CompareAndSwap(n, n-1); n = s.statusDue.Load() {
	}
	_, _, _, okTitle, okMsg, deniedTitle, deniedMsg := s.deviceTexts()
	p := devicePage{Title: okTitle, Message: okMsg}
	switch e := r.URL.Query().Get("error"); e {
	case "":
	case "access_denied":
		p = devicePage{Title: deniedTitle, Message: deniedMsg, Failed: true}
	default:
		p = devicePage{Title: deniedTitle, Message: "You may close this browser window and go back to your device and try connecting again.", Failed: true}
	}
	s.renderDevicePage(w, http.StatusOK, p)
}

// Settle waits, up to d, for the browsers this server has just redirected
// to its device status page (Keycloak's last page) to fetch it. The device
// gets its tokens at its next poll, often before the browser follows the
// redirect: a world closed at once (oauthlab device --embedded ending)
// would refuse the page the person is shown last.
func (s *Server) Settle(d time.Duration) {
	for end := time.Now().Add(d); s.statusDue.Load() > 0 && time.Now().Before(end); {
		time.Sleep(20 * time.Millisecond)
	}
}

// renderDevicePage writes the page with the login page's headers; its
// form posts only to this server (the device page redirects nowhere).
func (s *Server) renderDevicePage(w http.ResponseWriter, status int, p devicePage) {
	p.Style = string(s.cfg.Style)
	writePage(w, status, "; form-action 'self'", devicePageTmpl, p)
}

// ApproveDevice approves the user code as username, as a person on the
// verification page would: for tests and demos that have no browser.
func (s *Server) ApproveDevice(userCode, username string) bool {
	for i := range demoUsers {
		if demoUsers[i].Username == username {
			_, _, ok := s.decideDevice(userCode, &demoUsers[i], true)
			return ok
		}
	}
	return false
}

// DenyDevice denies the user code, as a person pressing Deny would.
func (s *Server) DenyDevice(userCode string) bool {
	_, _, ok := s.decideDevice(userCode, nil, false)
	return ok
}
