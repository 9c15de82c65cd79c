package authserver

import (
	"net/url"
	"slices"
	"strings"
)

func (s *Server) refreshToken(c *Client, form url.Values) (orderedJSON, *oauthErr) {
	invalid := errInvalidGrant().WithDescription(s.pick("Invalid refresh token", "The refresh token is invalid or expired."))
	rt := form.Get("refresh_token")
	s.mu.Lock()
	rec := s.refresh[rt]
	if rec == nil || rec.clientID != c.ID || rec.revoked || !s.cfg.Now().Before(rec.refreshEx) {
		s.mu.Unlock()
		return nil, invalid
	}
	// Rotation: the old refresh token stops working now (RFC 9700 §4.14.2).
	delete(s.refresh, rt)
	s.mu.Unlock()
	scopes := rec.scopes
	if req := strings.Fields(form.Get("scope")); len(req) > 0 {
		// RFC 6749 §6: the scope may narrow, never widen.
		for _, sc := range req {
			if !slices.Contains(rec.scopes, sc) {
				return nil, errInvalidScope().WithDescription(s.pick("Invalid scopes: "+form.Get("scope"), "The requested scope is invalid, unknown, or malformed."))
			}
		}
		scopes = req
	}
	return s.issue(c, rec.user, scopes, issueOpts{grant: "refresh_token", refresh: true, idToken: true,
		sid: rec.sid, authTime: rec.authTime, fromCode: rec.fromCode})
}
