package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/safe"
	"github.com/oauthlab/oauthlab/internal/setup"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/ui/plain"
)

// A headless command prints its results on stdout and its diagnostics on
// stderr, so that `oauthlab token … > t` holds the result and the terminal
// the trouble:
//
//   - the summary (the default) goes to stdout when the flow succeeded and
//     to stderr when it failed: a failed command prints nothing on stdout;
//   - --json prints the document on stdout, failed or not (it carries the
//     error), and a failure's one-line reason on stderr;
//   - --field NAME prints that field alone on stdout, and on a failure
//     nothing there: the summary goes to stderr;
//   - --curl prints a bash script on stdout, failed or not (a failure is
//     what a bug report reproduces), and the summary on stderr.
//
// A one-shot --embedded world says on stderr that it ended.

// checkOutput refuses two output forms at once.
func (o *clientOptions) checkOutput() error {
	var set []string
	if o.json {
		set = append(set, "--json")
	}
	if o.field != "" {
		set = append(set, "--field")
	}
	if o.curl {
		set = append(set, "--curl")
	}
	if len(set) > 1 {
		return usageErrorf("%s print different things on stdout: use one", strings.Join(set, " and "))
	}
	return nil
}

// print writes the results in the form asked; summary is the text summary
// of every step.
func (o *clientOptions) print(cmd *cobra.Command, s flows.Settings, f flows.Flow, results []flows.Result, ok bool, summary *bytes.Buffer) error {
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	defer oneShotNote(stderr, s)
	steps := f.Steps[:len(results)]
	switch {
	case o.json:
		if err := plain.WriteScript(stdout, plain.NewScript(f, steps, results, plain.Options{Reveal: o.reveal})); err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(stderr, "oauthlab:", failure(f, results))
		}
	case o.field != "":
		if !ok {
			_, err := io.Copy(stderr, summary)
			return err
		}
		v, err := plain.Field(f, steps, results, o.field)
		var fe *plain.FieldError
		switch {
		case errors.As(err, &fe) && !fe.Empty:
			return usageErrorf("--field: %v", err)
		case err != nil:
			return flowFailed(fmt.Errorf("--field: %w", err))
		}
		plain.WriteField(stdout, v)
	case o.curl:
		if err := plain.CurlScript(stdout, cmd.CommandPath(), f, steps, results, s.ClientID); err != nil {
			return err
		}
		_, err := io.Copy(stderr, summary)
		return err
	case ok:
		_, err := io.Copy(stdout, summary)
		return err
	default:
		_, err := io.Copy(stderr, summary)
		return err
	}
	return nil
}

// failure is why a flow failed, in one line: the failed step and its
// error or failed checks.
func failure(f flows.Flow, results []flows.Result) string {
	for i, r := range results {
		if !r.Failed() {
			continue
		}
		why := ""
		switch {
		case r.Err != nil:
			why = oauth.Explain(r.Err).Error()
		default:
			var names []string
			for _, c := range r.Checks {
				if c.Status == oauth.Fail {
					names = append(names, c.Name)
				}
			}
			for _, t := range r.Tokens {
				if t.Failed() {
					names = append(names, t.Name+" "+t.Verdict())
				}
			}
			why = "failed: " + strings.Join(names, ", ")
		}
		return safe.Line(f.Steps[i].Title + ": " + why)
	}
	return "the flow did not finish"
}

// oneShotNote says that a command's own embedded world ended with it.
func oneShotNote(w io.Writer, s flows.Settings) {
	if s.EmbeddedIssuer != "" {
		fmt.Fprintln(w, "note:", setup.OneShotNote(s.EmbeddedIssuer))
	}
}
