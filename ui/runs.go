package ui

import (
	"context"
	"time"

	"github.com/oauthlab/oauthlab/flows"
)

// This file is the bookkeeping of the runs, apart from any drawing and any
// key: which step ran and how, the vars the steps produced, the step in
// progress (whose id drops a stale result), and the walk of enter. It
// imports no bubbletea (TestLayers): runs_test.go drives it alone.

// stepTimeout bounds a step; the code flow waits for a person to sign in.
const stepTimeout = 5 * time.Minute

type status int

const (
	pending status = iota
	running
	done
	failedStatus
)

// stepState is what is known of one step: its status, its result, and
// what it said while it ran.
type stepState struct {
	status status
	// ran is status as the step finished, before time or a later step
	// turned its verdict: what a lab's steps demonstrated.
	ran     status
	result  flows.Result
	started time.Time
	elapsed time.Duration
	said    []string
	// url is the URL the step asked the user to open (the authorization
	// request), from its progress; c copies it while the step waits.
	url string
	// device is the device flow's latest progress: its code and polls.
	device *flows.DeviceProgress
}

// item is one row of the list: a flow, one of its steps, or an API call.
type item struct {
	flow, step int // step -1: the flow row
	api        int // -1 unless an API call
}

// none is no row: the walk when enter walks nowhere.
var none = item{flow: -1, step: -1, api: -1}

func flowRow(f int) item    { return item{flow: f, step: -1, api: -1} }
func stepRow(f, s int) item { return item{flow: f, step: s, api: -1} }
func apiRow(a int) item     { return item{flow: -1, step: -1, api: a} }

// run is the step in progress; its id drops stale results.
type run struct {
	id     int
	it     item
	cancel context.CancelFunc
}

// runs is the bookkeeping of the steps the user has run.
type runs struct {
	flows []flows.Flow
	apis  []flows.Step
	state map[item]*stepState
	vars  flows.Vars
	// running is the step in progress, nil when none; seq numbers runs.
	running *run
	seq     int
	// walk is the step that just finished well with the cursor on it:
	// enter there walks on to the next step. Anywhere else enter re-runs.
	walk item
	// own are the vars of the flows that keep theirs apart, by flow: a lab
	// runs in its own world, whose tokens and endpoints are not the
	// session's.
	own map[int]flows.Vars
}

func newRuns(fs []flows.Flow, apis []flows.Step) *runs {
	return &runs{flows: fs, apis: apis, state: map[item]*stepState{}, vars: flows.Vars{}, walk: none, own: map[int]flows.Vars{}}
}

// isolate gives flow f vars of its own.
func (r *runs) isolate(f int) { r.own[f] = flows.Vars{} }

// varsOf are the vars a row's step reads and adds to: its flow's own, or
// the session's.
func (r *runs) varsOf(it item) flows.Vars {
	if v, ok := r.own[it.flow]; ok && it.api < 0 {
		return v
	}
	return r.vars
}

// forget drops what flow f's steps did — their results and the flow's own
// vars — when the world they ran against is gone. A step of f in progress
// is cancelled and its result will be dropped.
func (r *runs) forget(f int) {
	if r.running != nil && r.running.it.api < 0 && r.running.it.flow == f {
		r.cancel()
		r.running = nil
	}
	for it := range r.state {
		if it.api < 0 && it.flow == f {
			delete(r.state, it)
		}
	}
	if _, ok := r.own[f]; ok {
		r.own[f] = flows.Vars{}
	}
	if r.walk.api < 0 && r.walk.flow == f {
		r.walk = none
	}
}

// stepOf is the step of a row; false on a flow row.
func (r *runs) stepOf(it item) (flows.Step, bool) {
	switch {
	case it.api >= 0:
		return r.apis[it.api], true
	case it.step >= 0:
		return r.flows[it.flow].Steps[it.step], true
	}
	return flows.Step{}, false
}

// flowOf is the flow of a row; the zero Flow (the machine client) for an
// API call.
func (r *runs) flowOf(it item) flows.Flow {
	if it.api >= 0 {
		return flows.Flow{}
	}
	return r.flows[it.flow]
}

// stateOf is a row's state; pending when it never ran.
func (r *runs) stateOf(it item) *stepState {
	if s, ok := r.state[it]; ok {
		return s
	}
	return &stepState{}
}

// action is what enter does.
type action int

const (
	runIt    action = iota // run the row enter returned
	openFlow               // expand the flow
	guideAPI               // the flow is done with a token: go to the API
)

// enter says what enter does on it, open being the expanded flow, and on
// which row. On a closed flow's row it opens the flow; on an open flow's
// row it runs the flow's next step; on a step that has just finished well
// it walks on — to the next step, or to the API once the flow has a token
// — so pressing enter repeatedly walks the flow. On any other step, done or
// not, it runs that step again.
func (r *runs) enter(it item, open int) (item, action) {
	if it.api < 0 && it.flow != open {
		return flowRow(it.flow), openFlow
	}
	if to, ok := r.walksOn(it); ok {
		if to.api >= 0 {
			return to, guideAPI
		}
		return to, runIt
	}
	if it.api < 0 && it.step < 0 {
		return stepRow(it.flow, r.nextStep(it.flow, -1)), runIt
	}
	return it, runIt
}

// walksOn is where enter walks from it, a flow's step that has just
// finished well with the cursor on it: the next step, or the first API
// call once the flow is done and there is a token. false anywhere else.
func (r *runs) walksOn(it item) (item, bool) {
	if it.api >= 0 || it.step < 0 || r.walk != it || r.stateOf(it).status != done {
		return none, false
	}
	if it.step+1 < len(r.flows[it.flow].Steps) {
		return stepRow(it.flow, r.nextStep(it.flow, it.step)), true
	}
	// A flow with vars of its own has no token for the API calls.
	if _, own := r.own[it.flow]; !own && r.vars[flows.VarAccessToken] != "" && len(r.apis) > 0 {
		return apiRow(0), true
	}
	return none, false
}

// nextStep is the first step after `after` that is not done, or the last.
func (r *runs) nextStep(flow, after int) int {
	f := r.flows[flow]
	for j := after + 1; j < len(f.Steps); j++ {
		if r.stateOf(stepRow(flow, j)).status != done {
			return j
		}
	}
	if after+1 < len(f.Steps) {
		return after + 1
	}
	return len(f.Steps) - 1
}

// start marks it running and returns the run, its context and a copy of
// the vars for the step's goroutine (the runs are not shared with it). The
// steps after it become pending: they ran with what it is about to replace.
func (r *runs) start(it item, now time.Time) (*run, context.Context, flows.Vars) {
	if it.api < 0 {
		for j := it.step + 1; j < len(r.flows[it.flow].Steps); j++ {
			delete(r.state, stepRow(it.flow, j))
		}
	}
	r.walk = none
	r.seq++
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	r.running = &run{id: r.seq, it: it, cancel: cancel}
	r.state[it] = &stepState{status: running, started: now}
	vars := flows.Vars{}
	vars.Merge(r.varsOf(it))
	return r.running, ctx, vars
}

// progress records what the step in progress said.
func (r *runs) progress(p flows.Progress) {
	if r.running == nil {
		return
	}
	st, ok := r.state[r.running.it]
	if !ok {
		return
	}
	if p.Device != nil {
		// Each poll replaces the last: the device view lists them all.
		st.device = p.Device
	} else {
		st.said = append(st.said, p.Text)
	}
	if p.URL != "" {
		st.url = p.URL
	}
}

// finish records the result of the run id, selected being the row under
// the cursor, and returns the step's row and state. A stale result (of a
// run cancelled or superseded) is dropped: ok is false.
func (r *runs) finish(id int, res flows.Result, now time.Time, selected item) (it item, st *stepState, ok bool) {
	if r.running == nil || id != r.running.id {
		return none, nil, false
	}
	it = r.running.it
	st = r.state[it]
	st.result = res
	st.elapsed = now.Sub(st.started)
	st.status = verdict(res)
	r.varsOf(it).Merge(res.Vars)
	r.running = nil
	if st.status == done && selected == it {
		r.walk = it
	}
	st.ran = st.status
	r.since(it, st)
	return it, st, true
}

// since makes the steps on screen agree with what the step at it just
// did or saw: an introspection that found a token active says it is not
// any more once it revoked that token, and a token checked with a key
// the issuer's key set it fetched no longer lists says the key was
// withdrawn since (flows decides both); their verdicts follow.
func (r *runs) since(it item, st *stepState) {
	step, _ := r.stepOf(it)
	revokes := step.Effect == flows.RevokesToken && st.status == done
	for other, os := range r.state {
		if other == it || (os.status != done && os.status != failedStatus) {
			continue
		}
		os.result = os.result.AfterKeyFetch(st.result)
		if s, ok := r.stepOf(other); revokes && ok && s.Effect == flows.IntrospectsToken {
			os.result = os.result.AfterRevocation(st.result)
		}
		os.status = verdict(os.result)
	}
}

// cancel cancels the step in progress; false when there is none.
func (r *runs) cancel() bool {
	if r.running == nil {
		return false
	}
	r.running.cancel()
	return true
}

// retime re-evaluates every finished step's result at now (its tokens'
// exp, nbf and iat checks); the step's verdict follows, so a step whose
// token has expired turns ✗.
func (r *runs) retime(now time.Time) {
	for _, st := range r.state {
		if st.status != done && st.status != failedStatus {
			continue
		}
		st.result = st.result.At(now)
		st.status = verdict(st.result)
	}
}

// reset forgets every result and var: new settings may mean a new server.
// A step in progress is cancelled and its result will be dropped: it ran
// with the old settings.
func (r *runs) reset() {
	r.cancel()
	r.running = nil
	r.vars = flows.Vars{}
	for f := range r.own {
		r.own[f] = flows.Vars{}
	}
	r.state = map[item]*stepState{}
	r.walk = none
}

// addAPI appends an API call and returns its row.
func (r *runs) addAPI(s flows.Step) item {
	r.apis = append(r.apis, s)
	return apiRow(len(r.apis) - 1)
}

// setAPI replaces the API call i; its old result goes.
func (r *runs) setAPI(i int, s flows.Step) {
	r.apis[i] = s
	delete(r.state, apiRow(i))
}

func verdict(res flows.Result) status {
	if res.Failed() {
		return failedStatus
	}
	return done
}
