package lab

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/embedded/events"
	"github.com/oauthlab/oauthlab/embedded/fakebook"
	"github.com/oauthlab/oauthlab/embedded/internal/httpguard"
	"github.com/oauthlab/oauthlab/internal/keygen"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate"
)

// The resource server's labs: a FakeBook that does not ask the issuer
// what only the issuer knows now — whether a token was revoked, which
// keys it still signs with — beside one that does.

// localOnly is the revoked-token lab's weakened validator: the strict
// local one, which reads the token alone. What it cannot see, it says.
type localOnly struct{ strict *embedded.LazyValidator }

func (l *localOnly) Validate(ctx context.Context, raw string, scopes ...string) *validate.Report {
	rep := l.strict.Validate(ctx, raw, scopes...)
	if rep.Valid {
		why := "WEAKENED: the authorization server is never asked; this FakeBook checks the token alone (signature, exp, iss, " +
			"aud, scope), so a revocation is invisible to it"
		if !rep.Expiry.IsZero() {
			why += "; it accepts this token until its exp, in " + validate.Span(time.Until(rep.Expiry).Round(time.Second))
		}
		rep.Checks = append(rep.Checks, oauth.Check{Name: validate.CheckActive, Status: oauth.Warn, Reason: why})
	}
	return rep
}

// anyAudience is the audience lab's weakened validator: the strict one
// configured with no audience, so every check but aud holds. Its aud
// check says what it skipped, as every weakened server's event does.
type anyAudience struct{ strict *embedded.LazyValidator }

func (a *anyAudience) Validate(ctx context.Context, raw string, scopes ...string) *validate.Report {
	rep := a.strict.Validate(ctx, raw, scopes...)
	for i, c := range rep.Checks {
		if c.Name == validate.CheckAud && c.Status == oauth.Warn {
			why := c.Reason
			if aud, _, ok := strings.Cut(why, "; not checked"); ok { // "aud is account; not checked, since no audience is configured"
				why = aud + ", not checked"
			}
			rep.Checks[i].Reason = "WEAKENED: " + why + ": this FakeBook requires no audience, so a token minted for another API is taken here"
		}
	}
	return rep
}

// introspector asks w's authorization server about every token (RFC
// 7662) with FakeBook's own client credentials, as the world's FakeBook
// does in its introspect mode.
func introspector(w *embedded.World, hc *http.Client) validate.TokenValidator {
	return validate.NewIntrospector(validate.IntrospectOptions{Endpoint: w.AuthServer.IntrospectionEndpoint(),
		ClientID: authserver.IntrospectClientID, ClientSecret: authserver.IntrospectClientSecret,
		Issuer: w.Issuer, Audiences: []string{w.Audience}, HTTPClient: hc})
}

// never is the weakened FakeBook's key refresh interval: it does not
// refresh its copy of the keys.
const never = 100 * 365 * 24 * time.Hour

// startKeyRotation starts the key-rotation lab: an authorization server of
// its own (so that rotating and withdrawing its key touches no other
// world), whose first signing key the attacker holds; the weakened
// FakeBook, which verifies with a copy of the issuer's JWKS taken once,
// now; the protected FakeBook, which follows the issuer's jwks_uri (the
// real validator: a fetch for an unknown kid, a periodic refresh, keys
// the issuer withdrew dropped); and the operator's admin URL.
func (lw *World) startKeyRotation(ctx context.Context, w *embedded.World, hc *http.Client) error {
	priv, err := keygen.RSA()
	if err != nil {
		return err
	}
	ww, err := embedded.Start(ctx, embedded.Options{Style: w.Style, Audience: w.Audience, Events: w.Events, SigningKey: priv, Name: LabAuthServer})
	if err != nil {
		return err
	}
	lw.closers = append(lw.closers, func() { _ = ww.Close() })
	lw.Issuer = ww.Issuer
	lw.LeakedKey = oauth.Secret(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(priv)}))

	copied, taken, err := copyJWKS(ctx, hc, ww.Issuer)
	if err != nil {
		return err
	}
	copyL, err := listen()
	if err != nil {
		return err
	}
	lw.serve(copyL, http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		rw.Header().Set("Content-Type", "application/json")
		_, _ = rw.Write(copied)
	}))
	weak := &keysCopy{taken: taken, strict: lw.lazy(validate.Options{Issuer: ww.Issuer, JWKSURI: "http://" + copyL.Addr().String() + "/jwks.json",
		Audiences: []string{w.Audience}, HTTPClient: hc, KeyRefresh: never, OnFetch: copyFetched(w.Events)})}
	protected := lw.lazy(validate.Options{Issuer: ww.Issuer, Audiences: []string{w.Audience}, HTTPClient: hc,
		OnFetch: embedded.PublishFetchAs(w.Events, ProtectedServer)})

	adminL, err := listen()
	if err != nil {
		return err
	}
	lw.AdminURL = "http://" + adminL.Addr().String() + "/admin/keys/rotate-and-withdraw"
	admin := http.NewServeMux()
	admin.HandleFunc("POST /admin/keys/rotate-and-withdraw", func(rw http.ResponseWriter, _ *http.Request) { rotateAndWithdraw(rw, ww.AuthServer) })
	lw.serve(adminL, admin)

	for _, fb := range []struct {
		api  *string
		v    validate.TokenValidator
		name string
	}{{&lw.WeakAPI, weak, WeakServer}, {&lw.ProtectedAPI, protected, ProtectedServer}} {
		l, err := listen()
		if err != nil {
			return err
		}
		*fb.api = "http://" + l.Addr().String()
		lw.serve(l, fakebook.New(fakebook.Config{Validator: fb.v, Events: w.Events, Name: fb.name}).Handler())
	}
	return nil
}

// lazy is a strict validator built on first use, closed with the lab.
func (lw *World) lazy(opts validate.Options) *embedded.LazyValidator {
	l := embedded.NewLazyValidator(opts)
	lw.closers = append(lw.closers, func() { _ = l.Close() })
	return l
}

// copyJWKS fetches the issuer's JWKS once, as a resource server that
// pastes the keys into its configuration does.
func copyJWKS(ctx context.Context, hc *http.Client, issuer string) ([]byte, time.Time, error) {
	d, _, err := oauth.Discover(ctx, hc, issuer)
	if err != nil {
		return nil, time.Time{}, err
	}
	resp, body, err := httpguard.Get(ctx, hc, d.Metadata.JWKSURI)
	if err != nil {
		return nil, time.Time{}, err
	}
	if resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("the issuer's jwks_uri answered %s", resp.Status)
	}
	return body, time.Now(), err
}

// copyFetched tells the event stream that the weakened FakeBook read its
// copy of the keys, not the issuer's jwks_uri.
func copyFetched(bus *events.Bus) func(validate.FetchEvent) {
	return func(e validate.FetchEvent) {
		d := "read its copy of the issuer's keys (" + e.Why() + "): " + strings.Join(e.Kids, ", ") +
			" — taken once when the lab started; it never asks the issuer's jwks_uri"
		if e.Err != nil {
			d = e.String()
		}
		bus.Publish(events.Event{Time: e.Time, Server: WeakServer, Decision: d, Details: []string{"keys from: " + e.URL}})
	}
}

// keysCopy is the key-rotation lab's weakened validator: the real one,
// reading a copy of the issuer's JWKS that is never refreshed. Its kid
// check says whose keys it compared with.
type keysCopy struct {
	taken  time.Time
	strict *embedded.LazyValidator
}

func (k *keysCopy) Validate(ctx context.Context, raw string, scopes ...string) *validate.Report {
	rep := k.strict.Validate(ctx, raw, scopes...)
	taken := fmt.Sprintf("this FakeBook's copy of the issuer's keys, taken when the lab started (%s ago) and never fetched again",
		validate.Span(time.Since(k.taken).Round(time.Second)))
	for i, c := range rep.Checks {
		if c.Name != validate.CheckKid {
			continue
		}
		switch c.Status {
		case oauth.Pass:
			kid, _ := rep.JWT.Header["kid"].(string)
			rep.Checks[i] = oauth.Check{Name: c.Name, Status: oauth.Warn,
				Reason: "WEAKENED: kid " + kid + " is in " + taken + ": whether the issuer still publishes it, this FakeBook does not know"}
		case oauth.Fail:
			rep.Checks[i].Reason += " (the keys of " + taken + ")"
		}
	}
	return rep
}

// rotateAndWithdraw is the operator's answer to a leaked signing key: a
// new key signs from now on, and the leaked one leaves the JWKS at once.
func rotateAndWithdraw(rw http.ResponseWriter, as *authserver.Server) {
	rw.Header().Set("Content-Type", "application/json")
	rw.Header().Set("Cache-Control", "no-store")
	newKid, oldKid, err := as.RotateKeys()
	if err == nil {
		err = as.WithdrawKey(oldKid)
	}
	if err != nil {
		rw.WriteHeader(http.StatusInternalServerError)
		_ = json.NewEncoder(rw).Encode(map[string]string{"error": err.Error()})
		return
	}
	_ = json.NewEncoder(rw).Encode(map[string]string{"signing_kid": newKid, "withdrawn_kid": oldKid})
}
