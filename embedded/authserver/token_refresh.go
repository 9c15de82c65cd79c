package authserver

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// refreshToken is the refresh grant (RFC 6749 §6): rotate the refresh
// token, narrowing the scope if asked, then issue.
func (s *Server) refreshToken(c *Client, form url.Values) (orderedJSON, string, *oauthErr) {
	rec, scopes, e := s.rotateRefresh(c, form.Get("refresh_token"), form.Get("scope"))
	if e != nil {
		return nil, "", e
	}
	o := issueOpts{grant: "refresh_token", refresh: true, idToken: true, sid: rec.sid, authTime: rec.authTime, grantID: rec.grant}
	skipped := ""
	if s.cfg.Weak.NoRefreshRotation {
		o.sameRefresh = rec
		skipped = "skipped rotation (RFC 9700 §4.14.2): the same refresh token goes back and stays valid, " +
			"so whoever else holds a copy keeps refreshing too and its reuse is never detected"
	}
	resp, e := s.issue(c, rec.user, scopes, o)
	return resp, skipped, e
}

// rotatedRefresh is what the server remembers of a refresh token it
// rotated out: whose it was and which grant it belonged to.
type rotatedRefresh struct {
	clientID, grant string
	expires         time.Time
}

// rotateRefresh checks a refresh request and, only when it is granted,
// forgets the refresh token, in one step under the lock: rotation, the old
// token stops working now (RFC 9700 §4.14.2). A refused request (another
// client's token, a scope never granted) leaves the token as it was.
//
// A rotated-out token presented again by its client is reuse: either it
// was stolen or the client lost track, and the server cannot tell which
// party holds the live one, so it revokes the whole grant (RFC 9700
// §4.14.2), and the event says so.
//
// With Weak.NoRefreshRotation the token is kept as it is: refreshToken
// hands it back, and no reuse is ever seen.
func (s *Server) rotateRefresh(c *Client, rt, scope string) (*grantRecord, []string, *oauthErr) {
	invalid := s.invalidGrant("Invalid refresh token", "The refresh token is invalid or expired.")
	now := s.cfg.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.refresh[rt]
	if rec == nil {
		if old, ok := s.rotated[rt]; ok && old.clientID == c.ID && old.grant != "" {
			n := s.revokeGrantLocked(old.grant)
			return nil, nil, invalid.WithEventNote(fmt.Sprintf("reuse of a rotated-out refresh token: revoked every token of its grant (%d active until now), as RFC 9700 §4.14.2 advises", n))
		}
		return nil, nil, invalid
	}
	if rec.clientID != c.ID || rec.revoked || !now.Before(rec.refreshEx) {
		return nil, nil, invalid
	}
	scopes := rec.scopes
	if req := strings.Fields(scope); len(req) > 0 {
		// RFC 6749 §6: the scope may narrow, never widen.
		for _, sc := range req {
			if !slices.Contains(rec.scopes, sc) {
				return nil, nil, errInvalidScope().WithDescription(s.pick("Invalid scopes: "+scope, "The requested scope is invalid, unknown, or malformed."))
			}
		}
		scopes = req
	}
	if s.cfg.Weak.NoRefreshRotation {
		// Weakened: the token stays, and is never remembered as rotated out.
		return rec, scopes, nil
	}
	delete(s.refresh, rt)
	s.rotated[rt] = rotatedRefresh{clientID: rec.clientID, grant: rec.grant, expires: rec.refreshEx}
	s.pruneRotatedLocked(now)
	return rec, scopes, nil
}

// pruneRotatedLocked forgets rotated-out tokens long expired, a few at a
// time, so the memory of them stays bounded by the rate of refreshes.
func (s *Server) pruneRotatedLocked(now time.Time) {
	checked := 0
	for rt, old := range s.rotated {
		if checked++; checked > 8 {
			return
		}
		if now.Sub(old.expires) > refreshTTL {
			delete(s.rotated, rt)
		}
	}
}
