package authserver

import (
	"net/url"
	"slices"
	"strings"
)

// refreshToken is the refresh grant (RFC 6749 §6): take the refresh token
// (rotation), narrow the scope if asked, issue.
func (s *Server) refreshToken(c *Client, form url.Values) (orderedJSON, *oauthErr) {
	rec := s.takeRefresh(c, form.Get("refresh_token"))
	if rec == nil {
		return nil, s.invalidGrant("Invalid refresh token", "The refresh token is invalid or expired.")
	}
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

// takeRefresh returns the grant of a live refresh token of client c and
// forgets the token: rotation, the old one stops working now (RFC 9700
// §4.14.2). nil when unknown, another client's, revoked or expired.
func (s *Server) takeRefresh(c *Client, rt string) *grantRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.refresh[rt]
	if rec == nil || rec.clientID != c.ID || rec.revoked || !s.cfg.Now().Before(rec.refreshEx) {
		return nil
	}
	delete(s.refresh, rt)
	return rec
}
