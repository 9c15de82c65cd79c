package flows

import (
	"strings"

	"github.com/oauthlab/oauthlab/oauth"
)

// IsURL reports whether s is an absolute http or https URL, as an API
// call's path may be instead of a path under Settings.APIBase.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// noAPIBase explains a call to a path with no API to send it to: a real
// issuer comes with no FakeBook.
func noAPIBase(path string) *oauth.Error {
	return &oauth.Error{Op: "api", What: "no API base URL to send " + path + " to",
		Cause: "the API calls are paths under an API base URL; the embedded world's is FakeBook, but an authorization server of your own comes with none",
		Try: "set the API base URL of your API: in the TUI, e on a flow's step opens the settings (api base); headless, --api-base URL; " +
			"in a profile, \"api_base\". Or give the call a full URL (TUI: e on the call)"}
}
