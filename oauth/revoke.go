package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
)

// Revoke asks the revocation endpoint to invalidate a token (RFC 7009 §2.1),
// authenticating as cfg's client. hint is the optional token_type_hint. A
// 200 answer is success even for a token the server did not know (RFC 7009
// §2.2); see RevocationNote for what Keycloak says in that case.
func Revoke(ctx context.Context, hc *http.Client, endpoint string, cfg ClientConfig, token, hint string) ([]Exchange, error) {
	status, h, body, exs, err := postToken(ctx, hc, "revoke", endpoint, cfg, token, hint)
	if err != nil {
		return exs, err
	}
	if status != http.StatusOK {
		return exs, cfg.explainRefusal(explainResponse("revoke", status, h, body))
	}
	return exs, nil
}

// RevocationNote explains a successful revocation answer that is worth a
// word, or returns "". Keycloak answers an unknown, expired or
// already-revoked token — and the embedded server another client's token —
// with 200 and {"error":"invalid_token"}; RFC 7009 §2.2 answers 200 either
// way, so the answer does not say whether the token still works.
func RevocationNote(ex Exchange) string {
	if ex.Status != http.StatusOK {
		return ""
	}
	var m map[string]any
	if json.Unmarshal(bytes.TrimSpace(ex.ResponseBody), &m) != nil {
		return ""
	}
	if code, _ := m["error"].(string); code != "" {
		desc, _ := m["error_description"].(string)
		return "The server answered 200 with error " + code + " (" + desc + "): it did not know this token as one this client may revoke — " +
			"already revoked, expired, issued to another client, from another realm, or not a token. RFC 7009 §2.2 answers 200 either way, " +
			"so only asking about the token (introspection) tells whether it can still be used."
	}
	return ""
}
