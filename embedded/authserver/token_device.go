package authserver

import (
	"fmt"
	"net/url"
	"slices"
	"time"
)

// deviceToken is the device access token request (RFC 8628 §3.4–3.5), in
// Keycloak's measured order: missing device_code, unknown code, expired,
// another client's code, too early (slow_down), denied, still pending,
// approved. Each answer but success names what the client must do next.
func (s *Server) deviceToken(c *Client, form url.Values) (orderedJSON, *oauthErr) {
	code := form.Get("device_code")
	if code == "" {
		return nil, errInvalidRequest().WithDescription(s.pick("Missing parameter: device_code", "The device_code parameter is required."))
	}
	now := s.cfg.Now()
	s.devices.mu.Lock()
	defer s.devices.mu.Unlock()
	dc := s.devices.byCode[code]
	if dc != nil && !s.isOkta() && now.After(dc.expires.Add(deviceExpiredGrace)) {
		s.devices.remove(dc) // Keycloak has forgotten it by now
		dc = nil
	}
	if dc == nil {
		return nil, s.invalidGrant("Device code not valid", "The device code is invalid or has expired.")
	}
	if !now.Before(dc.expires) {
		return nil, errExpiredToken().WithDescription(s.pick("Device code is expired", "The device code has expired.")).
			WithEvent("poll: the device code expired before the user approved (expired_token); the device must start again")
	}
	if dc.clientID != c.ID {
		return nil, s.invalidGrant("unauthorized client", "The device code is invalid or has expired.")
	}
	dc.polls++
	if !dc.lastPoll.IsZero() && now.Sub(dc.lastPoll) < dc.interval {
		early := dc.interval - now.Sub(dc.lastPoll)
		dc.interval += slowDownStep
		return nil, errSlowDown().WithDescription(s.pick("Slow down", "The client is polling too frequently.")).
			WithEvent(fmt.Sprintf("poll #%d came %s too early: slow_down — this client must now wait %s between polls (RFC 8628 §3.5)",
				dc.polls, early.Round(time.Millisecond), dc.interval))
	}
	dc.lastPoll = now
	switch dc.state {
	case deviceDenied:
		return nil, errAccessDenied().WithDescription(s.pick("The end user denied the authorization request", "The resource owner or authorization server denied the request.")).
			WithEvent(fmt.Sprintf("poll #%d: the user denied the request (access_denied)", dc.polls))
	case devicePending:
		left := dc.expires.Sub(now).Round(time.Second)
		return nil, errAuthorizationPending().WithDescription(s.pick("The authorization request is still pending", "The device authorization is pending. Please try again later.")).
			WithEvent(fmt.Sprintf("poll #%d: waiting for the user to enter %s (authorization_pending; next poll in %s, code expires in %s)",
				dc.polls, s.displayUserCode(dc.user), dc.interval, left))
	}
	// Approved: the code is spent (measured: the next poll is "Device code
	// not valid"), and the tokens go to the client that asked.
	s.devices.remove(dc)
	refresh := !s.isOkta() || slices.Contains(dc.scopes, "offline_access")
	return s.issue(c, dc.approver, dc.scopes, issueOpts{grant: GrantDeviceCode, refresh: refresh, idToken: true,
		sid: dc.sid, authTime: dc.authTime})
}

// decideDevice records the user's answer for a user code; false when the
// code is unknown, already answered or expired (then expired says which).
func (s *Server) decideDevice(userCode string, u *user, approve bool) (dc *deviceCode, expired, ok bool) {
	now := s.cfg.Now()
	s.devices.mu.Lock()
	defer s.devices.mu.Unlock()
	dc = s.devices.byUser[normalizeUserCode(userCode)]
	switch {
	case dc == nil || dc.state != devicePending:
		return dc, false, false
	case !now.Before(dc.expires):
		return dc, true, false
	}
	if approve {
		dc.state, dc.approver, dc.authTime, dc.sid = deviceApproved, u, now, newUUID()
	} else {
		dc.state = deviceDenied
	}
	// The user code is used once; the device code stays for the poll.
	delete(s.devices.byUser, dc.user)
	return dc, false, true
}

// lookupUserCode reports whether a user code is waiting, and whether it
// has expired.
func (s *Server) lookupUserCode(userCode string) (dc *deviceCode, expired bool) {
	s.devices.mu.Lock()
	defer s.devices.mu.Unlock()
	dc = s.devices.byUser[normalizeUserCode(userCode)]
	if dc == nil || dc.state != devicePending {
		return nil, false
	}
	return dc, !s.cfg.Now().Before(dc.expires)
}
