package flows

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate/validatetest"
)

// The trust check passes only when the pinned issuer's keys verified the
// token: not when they could not be fetched (a trailing slash, https on an
// http port), nor when the signature failed with them.
func TestTrustPassesOnlyWhenThePinnedIssuersKeysVerified(t *testing.T) {
	is := validatetest.NewIssuer(t)
	good := is.Token(t, is.Claims(time.Now(), "a"))
	forged := validatetest.Sign(t, validatetest.Header(), is.Claims(time.Now(), "a"), is.Other)
	for _, tc := range []struct {
		name, pinned, token string
		want                oauth.CheckStatus
	}{
		{"verified", is.URL, good, oauth.Pass},
		{"keys not fetched", is.URL + "/", good, oauth.Skip},
		{"signature fails", is.URL, forged, oauth.Skip},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := &Env{HTTP: &http.Client{}, Settings: Settings{Issuer: tc.pinned}}
			r := InspectToken(VarAccessToken, tc.token).Run(context.Background(), env, Vars{})
			check(t, r.Tokens[0].Checks, CheckTrust, tc.want)
			if r.Failed() != (tc.want != oauth.Pass) {
				t.Errorf("step failed: got %v, want %v", r.Failed(), tc.want != oauth.Pass)
			}
		})
	}
}
