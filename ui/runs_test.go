package ui

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/flows"
)

// twoSteps is a flow of two steps and one API call; runs never runs them.
func twoSteps() *runs {
	noop := func(context.Context, *flows.Env, flows.Vars) flows.Result { return flows.Result{} }
	f := flows.Flow{ID: "f", Steps: []flows.Step{{ID: "a", Run: noop}, {ID: "b", Run: noop}}}
	return newRuns([]flows.Flow{f}, []flows.Step{{ID: "call", Run: noop}})
}

// finishRun starts it and records res, the cursor staying on it.
func finishRun(t *testing.T, r *runs, it item, res flows.Result) *stepState {
	t.Helper()
	rn, _, _ := r.start(it, t0)
	_, st, ok := r.finish(rn.id, res, t0.Add(time.Second), it)
	if !ok {
		t.Fatalf("the result of %+v was dropped", it)
	}
	return st
}

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Enter walks a flow: open it, run its steps in turn, then go to the API
// once there is a token; elsewhere it runs the row again.
func TestEnterWalksTheFlow(t *testing.T) {
	r := twoSteps()
	type want struct {
		to  item
		act action
	}
	check := func(name string, it item, open int, w want) {
		t.Helper()
		if to, act := r.enter(it, open); to != w.to || act != w.act {
			t.Errorf("%s: enter on %+v went to %+v (action %d), want %+v (action %d)", name, it, to, act, w.to, w.act)
		}
	}
	check("closed flow", flowRow(0), -1, want{flowRow(0), openFlow})
	check("open flow", flowRow(0), 0, want{stepRow(0, 0), runIt})
	finishRun(t, r, stepRow(0, 0), flows.Result{})
	check("right after a step", stepRow(0, 0), 0, want{stepRow(0, 1), runIt})
	finishRun(t, r, stepRow(0, 1), flows.Result{})
	check("last step, no token", stepRow(0, 1), 0, want{stepRow(0, 1), runIt})
	r.vars[flows.VarAccessToken] = "t"
	check("last step with a token", stepRow(0, 1), 0, want{apiRow(0), guideAPI})
	r.walk = none // the cursor moved away and back
	check("a done step, not just run", stepRow(0, 1), 0, want{stepRow(0, 1), runIt})
	check("an API call", apiRow(0), 0, want{apiRow(0), runIt})
}

// A failed step does not walk on: enter runs it again.
func TestFailedStepDoesNotWalk(t *testing.T) {
	r := twoSteps()
	st := finishRun(t, r, stepRow(0, 0), flows.Result{Err: errors.New("no")})
	if st.status != failedStatus {
		t.Fatalf("status %v, want failed", st.status)
	}
	if to, act := r.enter(stepRow(0, 0), 0); to != stepRow(0, 0) || act != runIt {
		t.Fatalf("enter on a failed step went to %+v, want to run it again", to)
	}
}

// Running a step again makes the steps after it pending.
func TestRerunMakesLaterStepsPending(t *testing.T) {
	r := twoSteps()
	finishRun(t, r, stepRow(0, 0), flows.Result{})
	finishRun(t, r, stepRow(0, 1), flows.Result{})
	r.start(stepRow(0, 0), t0)
	if st := r.stateOf(stepRow(0, 1)).status; st != pending {
		t.Fatalf("the step after a re-run one: %v, want pending", st)
	}
}

// A result that arrives after its run was superseded is dropped; the vars
// of a result are merged, and a step gets a copy of them.
func TestStaleResultsAndVars(t *testing.T) {
	r := twoSteps()
	first, _, _ := r.start(stepRow(0, 0), t0)
	second, _, vars := r.start(stepRow(0, 0), t0)
	if _, _, ok := r.finish(first.id, flows.Result{Vars: flows.Vars{"x": "old"}}, t0, stepRow(0, 0)); ok {
		t.Fatal("a superseded run's result was kept")
	}
	if r.stateOf(stepRow(0, 0)).status != running || r.vars["x"] != "" {
		t.Fatalf("a stale result changed the state (%v) or the vars (%v)", r.stateOf(stepRow(0, 0)).status, r.vars)
	}
	vars["y"] = "the step's own copy"
	if _, _, ok := r.finish(second.id, flows.Result{Vars: flows.Vars{"x": "new"}}, t0, none); !ok {
		t.Fatal("the current run's result was dropped")
	}
	if r.vars["x"] != "new" || r.vars["y"] != "" {
		t.Fatalf("vars %v, want x=new and no y", r.vars)
	}
	if r.walk != none {
		t.Fatalf("walk %+v: the cursor was elsewhere, enter must not walk from there", r.walk)
	}
}

// New settings while a step runs: the step is cancelled, its late result
// dropped (it ran with the old settings).
func TestResetCancelsTheRunningStep(t *testing.T) {
	r := twoSteps()
	rn, ctx, _ := r.start(stepRow(0, 0), t0)
	r.reset()
	if ctx.Err() == nil {
		t.Fatal("the running step was not cancelled")
	}
	if _, _, ok := r.finish(rn.id, flows.Result{}, t0, stepRow(0, 0)); ok {
		t.Fatal("a result from before the reset was kept")
	}
	if len(r.state) != 0 {
		t.Fatalf("state after reset: %v", r.state)
	}
}

// What a running step says is kept, and the URL it asks to open apart.
func TestProgressKeepsTheURL(t *testing.T) {
	r := twoSteps()
	r.progress(flows.Progress{Text: "nobody runs"}) // no step: ignored
	r.start(stepRow(0, 0), t0)
	r.progress(flows.Progress{Text: "open http://x.test/auth", URL: "http://x.test/auth"})
	r.progress(flows.Progress{Text: "could not open a browser"})
	st := r.stateOf(stepRow(0, 0))
	if len(st.said) != 2 || st.url != "http://x.test/auth" {
		t.Fatalf("said %q, url %q", st.said, st.url)
	}
}
