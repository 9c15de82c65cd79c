package authserver

import (
	"crypto/rand"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The device authorization grant (RFC 8628): a device that cannot show a
// browser asks for a device code and a short user code (§3.1–3.2), shows
// the user code and a verification URI, and polls the token endpoint
// (§3.4) while the user, on another device, types the code, signs in and
// approves (§3.3). This file holds the codes and the device authorization
// endpoint; token_device.go the polling, device_page.go the user's page.

// GrantDeviceCode is the grant_type of the device access token request
// (RFC 8628 §3.4).
const GrantDeviceCode = "urn:ietf:params:oauth:grant-type:device_code"

// DeviceClientID is the demo world's public client for the device flow.
const DeviceClientID = "oauthlab-device"

// Lifetimes of both servers' defaults: a device code lives 600 s and may
// be polled every 5 s (Keycloak realm oauth2DeviceCodeLifespan and
// oauth2DevicePollingInterval; Okta's /device/authorize answers 600 and 5).
const (
	deviceCodeTTL   = 600 * time.Second
	devicePollEvery = 5 * time.Second
	// slowDownStep is what each slow_down adds to the interval a client
	// must keep from then on (RFC 8628 §3.5).
	slowDownStep = 5 * time.Second
	// deviceExpiredGrace: Keycloak answers expired_token for about 15 s
	// past expiry and then forgets the code, which then answers "Device
	// code not valid" like one that never existed (measured on 26.7.1;
	// SOURCES.md "Device authorization grant").
	deviceExpiredGrace = 15 * time.Second
)

// deviceState is where a device code stands.
type deviceState int

const (
	devicePending deviceState = iota
	deviceApproved
	deviceDenied
)

// deviceCode is one device authorization: its two codes, the client and
// scope it was asked for, and the polling it has seen.
type deviceCode struct {
	device, user string // user is normalized (no dash, upper case)
	clientID     string
	scopes       []string
	expires      time.Time
	// interval is the least time between two polls; each slow_down adds
	// slowDownStep to it (RFC 8628 §3.5).
	interval time.Duration
	// lastPoll is the last poll that counted for the interval: Keycloak
	// stamps pending and denied answers, not slow_down, not another
	// client's poll, not an expired code's.
	lastPoll time.Time
	polls    int
	state    deviceState
	approver *user
	authTime time.Time
	sid      string
}

// deviceStore holds the device codes by device code and by user code. Its
// zero value is ready.
type deviceStore struct {
	mu     sync.Mutex
	byCode map[string]*deviceCode
	byUser map[string]*deviceCode
}

func (d *deviceStore) add(dc *deviceCode) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.byCode == nil {
		d.byCode, d.byUser = map[string]*deviceCode{}, map[string]*deviceCode{}
	}
	d.byCode[dc.device] = dc
	d.byUser[dc.user] = dc
}

func (d *deviceStore) remove(dc *deviceCode) {
	delete(d.byCode, dc.device)
	delete(d.byUser, dc.user)
}

// devicePaths are the device authorization endpoint (under the issuer) and
// the verification page (absolute): Keycloak's
// {issuer}/protocol/openid-connect/auth/device and {issuer}/device, Okta's
// {issuer}/v1/device/authorize and {origin}/activate.
func (s *Server) devicePaths() (authorize, verifyPath string) {
	if s.isOkta() {
		return "/v1/device/authorize", "/activate"
	}
	return keycloakPrefix + "/auth/device", s.issuerPath() + "/device"
}

// VerificationURI is the page where a user types a user code.
func (s *Server) VerificationURI() string {
	_, v := s.devicePaths()
	return strings.TrimRight(s.cfg.BaseURL, "/") + v
}

// DeviceAuthorizationEndpoint is the RFC 8628 §3.1 endpoint, as discovery
// lists it.
func (s *Server) DeviceAuthorizationEndpoint() string {
	a, _ := s.devicePaths()
	return s.url(a)
}

// deviceRoutes mounts the device endpoint and the user's page.
func (s *Server) deviceRoutes() {
	a, v := s.devicePaths()
	s.mux.HandleFunc(s.issuerPath()+a, s.handleDeviceAuthorization)
	s.mux.HandleFunc(v, s.handleDevicePage)
	if !s.isOkta() {
		s.mux.HandleFunc(v+"/status", s.handleDeviceStatus)
	}
}

// handleDeviceAuthorization is RFC 8628 §3.1–3.2: authenticate the client
// as the token endpoint does, check it may use the grant, and answer a new
// device code, user code and verification URIs. Keycloak's checks come in
// its measured order: client authentication, a duplicated parameter, the
// grant enabled; it does not check scope at all (an unknown scope is
// dropped), where Okta refuses one the server does not know.
func (s *Server) handleDeviceAuthorization(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		s.writeDeviceErr(w, r, "", errInvalidRequest().WithStatus(http.StatusMethodNotAllowed).WithDescription("the device authorization endpoint takes POST (RFC 8628 §3.1)"))
		return
	}
	form, e := s.readForm(w, r)
	if e != nil {
		s.writeDeviceErr(w, r, "", e)
		return
	}
	if claimedClient(r, form) == "" && !s.isOkta() {
		// Measured: an absent client_id is the unknown-client answer here,
		// not the token endpoint's 400 "Missing client_id parameter".
		s.writeDeviceErr(w, r, "", errInvalidClient().WithDescription("Invalid client or Invalid client credentials"))
		return
	}
	c, e := s.authenticate(r, form)
	if e != nil {
		s.writeDeviceErr(w, r, claimedClient(r, form), e)
		return
	}
	for k, v := range form {
		if len(v) > 1 {
			// Keycloak answers invalid_grant here, invalid_request at the token endpoint (measured).
			s.writeDeviceErr(w, r, c.ID, errInvalidGrant().WithDescription("duplicated parameter "+k).WithStatus(400))
			return
		}
	}
	if !c.allows(GrantDeviceCode) {
		e := errUnauthorizedClient().WithDescription("Client is not allowed to initiate OAuth 2.0 Device Authorization Grant. The flow is disabled for the client.")
		if s.isOkta() {
			e = s.unauthorizedGrant(c, GrantDeviceCode)
		}
		s.writeDeviceErr(w, r, c.ID, e)
		return
	}
	scopes, e := s.deviceScopes(c, form.Get("scope"))
	if e != nil {
		s.writeDeviceErr(w, r, c.ID, e)
		return
	}
	dc := &deviceCode{clientID: c.ID, scopes: scopes, expires: s.cfg.Now().Add(deviceCodeTTL), interval: devicePollEvery}
	if s.isOkta() {
		dc.device = newUUID() // Okta's device codes are UUIDs (docs example)
	} else {
		dc.device = randomToken() // Keycloak: 43 base64url characters (measured)
	}
	dc.user = newUserCode()
	s.devices.add(dc)
	shown := s.displayUserCode(dc.user)
	verify := s.VerificationURI()
	s.publish(r, c.ID, http.StatusOK, "issued a device code; the user code is "+shown+", to be typed at "+verify,
		"scope: "+strings.Join(scopes, " "), "expires in 600 s, poll every 5 s")
	body := orderedJSON{{"device_code", dc.device}, {"user_code", shown}, {"verification_uri", verify},
		{"verification_uri_complete", verify + "?user_code=" + shown}, {"expires_in", int(deviceCodeTTL.Seconds())},
		{"interval", int(devicePollEvery.Seconds())}}
	w.Header().Set("Content-Type", "application/json")
	if !s.isOkta() {
		// Measured: the success carries this Cache-Control, no Pragma.
		w.Header().Set("Cache-Control", "no-store, must-revalidate, max-age=0")
	} else {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Pragma", "no-cache")
	}
	_ = writeRaw(w, body)
}

// deviceScopes: Keycloak keeps the scopes the client has and drops the
// rest without a word (measured: scope=bogus-scope answers 200); Okta
// refuses an unknown one as /authorize does.
func (s *Server) deviceScopes(c *Client, raw string) ([]string, *oauthErr) {
	if s.isOkta() {
		return s.grantScopes(c, raw, false)
	}
	var kept []string
	for _, sc := range strings.Fields(raw) {
		if sc == "openid" || contains(c.Scopes, sc) {
			kept = append(kept, sc)
		}
	}
	return s.grantScopes(c, strings.Join(kept, " "), false)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// writeDeviceErr answers a refusal of the device endpoint: the body of
// RFC 6749 §5.2 (Okta's envelope for an unknown client), and — measured on
// Keycloak — no Cache-Control and no Pragma on a refusal here.
func (s *Server) writeDeviceErr(w http.ResponseWriter, r *http.Request, client string, e *oauthErr) {
	if s.isOkta() || e.oktaEnvelope {
		s.writeErr(w, r, client, e)
		return
	}
	if e.basic && e.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="`+s.cfg.Realm+`"`)
	}
	s.publish(r, client, e.status, e.decision())
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	_ = writeRaw(w, e.body())
}

// userCodeLetters: both servers use eight upper-case letters (Keycloak's
// DefaultOAuth2DeviceUserCodeProvider draws from A–Z; Okta's examples are
// letters too). No digits, so 0/O and 1/I are never confused.
const userCodeLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// newUserCode draws eight letters uniformly (rejection sampling):
// 26^8 ≈ 2·10^11 codes, with at most 600 s of guessing (RFC 8628 §5.1).
func newUserCode() string {
	out := make([]byte, 0, 8)
	var b [1]byte
	for len(out) < 8 {
		if _, err := rand.Read(b[:]); err != nil {
			panic(err)
		}
		if b[0] >= 26*9 { // 234 = 9·26: keep the draw uniform
			continue
		}
		out = append(out, userCodeLetters[int(b[0])%26])
	}
	return string(out)
}

// displayUserCode is the user code as the server shows it: Keycloak
// XXXX-XXXX, Okta eight letters.
func (s *Server) displayUserCode(code string) string {
	if s.isOkta() || len(code) != 8 {
		return code
	}
	return code[:4] + "-" + code[4:]
}

// normalizeUserCode is what a person typed, as the server compares it:
// Keycloak drops the dash and upper-cases (OAuth2DeviceUserCodeProvider
// format); spaces go too (RFC 8628 §6.1: be lenient with what users type).
func normalizeUserCode(typed string) string {
	r := strings.NewReplacer("-", "", " ", "", "\t", "")
	return strings.ToUpper(r.Replace(strings.TrimSpace(typed)))
}
