package setup

import (
	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/lab"
	"github.com/oauthlab/oauthlab/flows"
)

// LabSettings are what lab l's steps run with: the embedded world w's
// machine client — or, for a lab where a person signs in (l.Client is
// flows.UserClient), its sign-in client, with the machine client as the
// resource server that introspects (nil otherwise: the settings speak for
// it) — and every server (and secret) of lw, the lab's world. A lab's flow
// knows its world only through these settings, so both faces get them
// here.
func LabSettings(w *embedded.World, lw *lab.World, l flows.Lab) (s flows.Settings, resourceServer *flows.Settings) {
	inLab := func(s flows.Settings) flows.Settings {
		s.LabWeakAPI, s.LabProtectedAPI = lw.WeakAPI, lw.ProtectedAPI
		s.LabWeakIssuer, s.LabProtectedIssuer = lw.WeakIssuer, lw.ProtectedIssuer
		s.LabIssuer, s.LabAdminURL, s.LabLeakedKey = lw.Issuer, lw.AdminURL, lw.LeakedKey
		s.LabWeakClient, s.LabProtectedClient = lw.WeakClient, lw.ProtectedClient
		return s
	}
	machine := inLab(EmbeddedSettings(w))
	if l.Client != flows.UserClient {
		return machine, nil
	}
	return inLab(EmbeddedSignInSettings(w)), &machine
}
