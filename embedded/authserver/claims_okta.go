package authserver

import (
	"strings"
	"time"
)

// oktaAccessClaims follows okta/access-token-payload-*.json.
func (s *Server) oktaAccessClaims(c *Client, u *user, scopes []string, now, exp time.Time, o issueOpts) orderedJSON {
	cl := orderedJSON{{"ver", 1}, {"jti", "AT." + randomToken()[:43]}, {"iss", s.issuer}, {"aud", s.audience()},
		{"iat", now.Unix()}, {"exp", exp.Unix()}, {"cid", c.ID}}
	if u != nil {
		cl = append(cl, kv{"uid", "00u" + strings.ReplaceAll(u.ID, "-", "")[:17]}, kv{"scp", scopes},
			kv{"auth_time", o.authTime.Unix()}, kv{"sub", u.Email})
		return cl
	}
	return append(cl, kv{"scp", scopes}, kv{"sub", c.ID})
}
