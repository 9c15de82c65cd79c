package flows_test

import (
	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/setup"
)

// The tests run against the embedded world's settings as the product makes
// them, from the one place it makes them.
func init() {
	flows.EmbeddedSettings = setup.EmbeddedSettings
	flows.EmbeddedSignInSettings = setup.EmbeddedSignInSettings
	flows.EmbeddedDeviceSettings = setup.EmbeddedDeviceSettings
}
