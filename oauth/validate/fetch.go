package validate

import (
	"io"

	"github.com/oauthlab/oauthlab/oauth"
)

// maxDocument bounds a metadata document or key set: both are a few
// kilobytes, and a hostile server must not make the validator hold more.
const maxDocument = 1 << 20

// readCapped reads at most maxDocument bytes of r and fails, saying so,
// when there is more.
func readCapped(r io.Reader, u string) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, maxDocument+1))
	if len(body) > maxDocument {
		return nil, &oauth.BodyTooLargeError{URL: u, Limit: maxDocument}
	}
	return body, err
}
