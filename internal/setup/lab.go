package setup

import (
	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/lab"
	"github.com/oauthlab/oauthlab/flows"
)

// LabSettings are what a lab's steps run with: the embedded world w's
// client the lab names (the machine client, or the sign-in client for a
// lab where a person signs in), and every server (and secret) of lw, the
// lab's world. A lab's flow knows its world only through these settings,
// so both faces get them here.
func LabSettings(w *embedded.World, lw *lab.World) flows.Settings {
	s := EmbeddedSettings(w)
	if l, ok := flows.LabByName(lw.Weakness); ok && l.Client == flows.UserClient {
		s = EmbeddedSignInSettings(w)
	}
	s.LabWeakAPI, s.LabProtectedAPI = lw.WeakAPI, lw.ProtectedAPI
	s.LabWeakIssuer, s.LabProtectedIssuer = lw.WeakIssuer, lw.ProtectedIssuer
	s.LabIssuer, s.LabAdminURL, s.LabLeakedKey = lw.Issuer, lw.AdminURL, lw.LeakedKey
	s.LabWeakClient, s.LabProtectedClient = lw.WeakClient, lw.ProtectedClient
	return s
}
