package oauth

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The refresh token and the device code stay Secrets inside the answers'
// Raw members too: printing or marshalling Raw never shows them, while
// the typed field still reveals the value for the wire.
func TestAnswersKeepSecretsRedactedInRaw(t *testing.T) {
	tok, err := parseTokenResponse("token", 200, http.Header{}, []byte(`{"access_token":"a","token_type":"Bearer","refresh_token":"rt-secret"}`), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	da, err := parseDeviceAuthorization("device", 200, http.Header{},
		[]byte(`{"device_code":"dc-secret","user_code":"U","verification_uri":"http://x.test/","expires_in":600}`), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		raw    map[string]any
		field  Secret
		secret string
	}{
		{"refresh_token", tok.Raw, tok.RefreshToken, "rt-secret"},
		{"device_code", da.Raw, da.DeviceCode, "dc-secret"},
	} {
		b, err := json.Marshal(tt.raw)
		if err != nil {
			t.Fatal(err)
		}
		if out := fmt.Sprint(tt.raw) + string(b); strings.Contains(out, tt.secret) {
			t.Errorf("%s: Raw shows the secret: %s", tt.name, out)
		}
		if got := tt.field.Reveal(); got != tt.secret {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.secret)
		}
	}
}
