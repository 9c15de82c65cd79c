package validate

import (
	"fmt"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
)

// TimeChecks evaluates a token's exp, nbf and iat claims (RFC 7519 §4.1.4-6)
// at now, in that order, with leeway for clock skew. A token valid when it
// was checked expires while it is on screen: whoever shows checks calls
// this again as the clock moves, so the verdict and the countdown agree.
func TimeChecks(c map[string]any, now time.Time, leeway time.Duration) []oauth.Check {
	f := judgeTimes(readTimes(c), now, leeway)
	return f.checks()
}

// timeNames are the time claims, in the order their checks run.
var timeNames = [3]string{CheckExp, CheckNbf, CheckIat}

// timeClaims are a token's exp, nbf and iat as read from its claims: a
// remembered token's claims do not change, only the clock does.
type timeClaims [3]timeClaim

type timeClaim struct {
	at      time.Time
	present bool
	err     string // why it is unreadable; "" when it is readable
}

func readTimes(c map[string]any) timeClaims {
	var out timeClaims
	for i, name := range timeNames {
		at, present, err := oauth.Claims(c).NumericDate(name)
		out[i] = timeClaim{at: at, present: present}
		if err != nil {
			out[i].err = err.Error()
		}
	}
	return out
}

// timeRule is which rule a time claim met.
type timeRule uint8

const (
	timeMissing timeRule = iota
	timeUnreadable
	timeOK
	timeRefused      // exp passed, or nbf or iat still ahead
	timeWithinLeeway // exp passed, but within the leeway
)

// timeFacts is all that the time checks' verdicts and words depend on:
// the rule each claim met, and where it stands from now as a reader sees
// it. Equal facts write equal checks, so a token seen before has its time
// checks written again only when the facts change (about once a second),
// while the rules themselves are applied at every request.
type timeFacts struct {
	claims timeClaims
	rule   [3]timeRule
	moment [3]moment
	leeway time.Duration
}

// judgeTimes applies the rules of RFC 7519 §4.1.4-6 at now.
func judgeTimes(c timeClaims, now time.Time, leeway time.Duration) timeFacts {
	f := timeFacts{claims: c, leeway: leeway}
	for i, tc := range c {
		switch {
		case tc.err != "":
			f.rule[i] = timeUnreadable
			continue
		case !tc.present:
			f.rule[i] = timeMissing
			continue
		}
		f.moment[i] = momentOf(tc.at, now)
		f.rule[i] = timeOK
		switch {
		case timeNames[i] != CheckExp:
			if tc.at.After(now.Add(leeway)) { // nbf, iat: not yet
				f.rule[i] = timeRefused
			}
		case now.After(tc.at.Add(leeway)):
			f.rule[i] = timeRefused
		case now.After(tc.at):
			f.rule[i] = timeWithinLeeway
		}
	}
	return f
}

// checks writes the exp, nbf and iat checks from the facts alone.
func (f *timeFacts) checks() []oauth.Check {
	out := make([]oauth.Check, 3)
	for i, name := range timeNames {
		out[i] = oauth.Check{Name: name}
		switch w := timeWords[i][f.rule[i]]; f.rule[i] {
		case timeUnreadable:
			out[i].Status, out[i].Reason = oauth.Fail, name+" is unreadable: "+f.claims[i].err
		case timeMissing:
			out[i].Status, out[i].Reason = w.status, w.before
		case timeWithinLeeway:
			out[i].Status, out[i].Reason = w.status, w.before+f.moment[i].String()+fmt.Sprintf(w.after, Span(f.leeway))
		default:
			out[i].Status, out[i].Reason = w.status, w.before+f.moment[i].String()+w.after
		}
	}
	return out
}

// timeWords are what each time check says under each rule: its status, and
// the words around the moment (the whole reason when the claim is missing;
// the leeway in place of %s when exp passed within it).
var timeWords = [3][5]struct {
	status        oauth.CheckStatus
	before, after string
}{
	{ // exp
		timeMissing:      {oauth.Fail, "the token has no exp, so it would never expire; RFC 9068 §2.2 requires one", ""},
		timeRefused:      {oauth.Fail, "expired ", ""},
		timeWithinLeeway: {oauth.Pass, "expired ", ", but within the %s leeway for clock skew"},
		timeOK:           {oauth.Pass, "expires ", ""},
	},
	{ // nbf
		timeMissing: {oauth.Skip, "no nbf claim: the token is valid from when it was issued", ""},
		timeRefused: {oauth.Fail, "not valid yet: valid from ", " (is a clock wrong?)"},
		timeOK:      {oauth.Pass, "valid since ", ""},
	},
	{ // iat
		timeMissing: {oauth.Warn, "no iat claim; RFC 9068 §2.2 requires one, but it proves nothing on its own", ""},
		timeRefused: {oauth.Fail, "issued in the future, ", ": the issuer's clock or this one is wrong"},
		timeOK:      {oauth.Pass, "issued ", ""},
	},
}
