package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/oauthlab/oauthlab/embedded/events"
	"github.com/oauthlab/oauthlab/embedded/lab"
	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/safe"
	"github.com/oauthlab/oauthlab/internal/setup"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/ui/plain"
)

// labHeader opens every screen of a weakened world.
const labHeader = "LAB · weakened world"

func newLabCmd() *cobra.Command {
	var asJSON, reveal bool
	var style string
	cmd := &cobra.Command{
		Use:   "lab [NAME]",
		Short: "Watch an attack work against a weakened server, then watch the protection stop it",
		Long: `With no NAME, list the labs, one a line, its name first.

With a NAME, start a fresh embedded world on 127.0.0.1 with the lab's own
deliberately weakened server beside it (a FakeBook, an authorization server
or a web app, as the lab needs), run the attack against it (it must work)
and again with the protection on (it must be refused, with its status and
error code). The exit code is 0 only when both happened. The weakened
server exists only inside the lab's world, which never listens beyond
127.0.0.1: no --allow-lan.`,
		Example: `  oauthlab lab
  oauthlab lab alg-none
  oauthlab lab audience --json
  oauthlab lab refresh-theft --style okta`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				width := 0
				for _, l := range flows.Labs() {
					width = max(width, len(l.Name))
				}
				for _, l := range flows.Labs() {
					fmt.Fprintf(cmd.OutOrStdout(), "%-*s  %s\n", width, l.Name, l.Title)
				}
				return nil
			}
			l, err := labByName(args[0])
			if err != nil {
				return err
			}
			return runLab(cmd, l, style, asJSON, plain.Options{Reveal: reveal, NoField: true})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the lab's steps, checks and server-side events as JSON")
	addStyleFlag(cmd, &style)
	cmd.Flags().BoolVar(&reveal, "reveal", false, "show the lab's secrets (the attacker's tokens, refresh tokens, a leaked key) in clear")
	return cmd
}

// labByName finds a lab; a usage error listing the labs when none is
// called name.
func labByName(name string) (flows.Lab, error) {
	if l, ok := flows.LabByName(name); ok {
		return l, nil
	}
	var names []string
	for _, l := range flows.Labs() {
		names = append(names, l.Name)
	}
	return flows.Lab{}, usageErrorf("no lab is called %q; the labs: %s (oauthlab lab lists them)", safe.Visible(name), strings.Join(names, ", "))
}

// labDocument is a lab's --json output.
type labDocument struct {
	Lab        string `json:"lab"`
	Title      string `json:"title"`
	World      string `json:"world"`
	Story      string `json:"story"`
	Protection string `json:"protection"`
	RFC        string `json:"rfc"`
	Fix        string `json:"fix"`
	plain.Document
	Events []events.Event `json:"events"`
}

func runLab(cmd *cobra.Command, l flows.Lab, style string, asJSON bool, po plain.Options) error {
	ctx := cmd.Context()
	r, err := setup.Resolve(ctx, setup.Request{Embedded: true, Style: style})
	if err != nil {
		if setup.IsUsage(err) {
			return usageErrorf("%v", err)
		}
		return flowFailed(err)
	}
	defer r.Close()
	if r.World == nil {
		return usageErrorf("a lab runs only in its own embedded world")
	}
	lw, err := lab.Start(ctx, r.World, l.Name)
	if err != nil {
		return flowFailed(err)
	}
	defer lw.Close()
	evs, stop := r.World.Events.Subscribe(256)
	defer stop()

	s, rs := setup.LabSettings(r.World, lw, l)
	env := &flows.Env{HTTP: oauth.NewHTTPClient(0), Settings: s, ResourceServer: rs, SignIn: lw.SignIn}
	f := l.Flow()
	var text bytes.Buffer
	results := flows.RunAll(ctx, env, f, flows.Vars{}, func(_ int, st flows.Step, res flows.Result) {
		plain.Text(&text, st, res, po)
	})
	var seen []events.Event
	for drained := false; !drained; {
		select {
		case e := <-evs:
			seen = append(seen, e)
		default:
			drained = true
		}
	}
	return reportLab(cmd.OutOrStdout(), l, f, results, &text, seen, asJSON, po)
}

// reportLab writes lab l's outcome — the steps' text and the server-side
// events, or with asJSON its document — and says whether the lab
// demonstrated what it should: every step of f ran and none failed. When
// not, it returns the exit error (exit 1).
func reportLab(out io.Writer, l flows.Lab, f flows.Flow, results []flows.Result, text *bytes.Buffer, seen []events.Event, asJSON bool, po plain.Options) error {
	ok := flows.Passed(f, results)
	if asJSON {
		doc := labDocument{Lab: l.Name, Title: l.Title, World: "weakened", Story: l.Story, Protection: l.Protection, RFC: l.RFC, Fix: l.Fix,
			Document: plain.NewDocument(f, f.Steps[:len(results)], results, po), Events: seen}
		doc.OK = ok
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return err
		}
	} else {
		writeLabText(out, l, text, seen, ok)
	}
	if !ok {
		return &exitError{code: exitFailed, err: errors.New("the lab did not demonstrate what it should: see the failed check above")}
	}
	return nil
}

func writeLabText(w io.Writer, l flows.Lab, steps *bytes.Buffer, seen []events.Event, ok bool) {
	fmt.Fprintf(w, "%s — %s\n\n", labHeader, l.Title)
	fmt.Fprintf(w, "Story:      %s\n\nProtection: %s (%s)\n\nFix:        %s\n\n", l.Story, l.Protection, l.RFC, l.Fix)
	_, _ = io.Copy(w, steps)
	fmt.Fprintln(w, "\nServer-side events:")
	lastWeak := ""
	for _, e := range seen {
		if e.Method == "" {
			// Not an answer to a request: a server fetched keys, or its
			// operator rotated them.
			fmt.Fprintln(w, safe.Line(fmt.Sprintf("  %-22s %s", e.Server, e.Decision)))
			continue
		}
		fmt.Fprintln(w, safe.Line(fmt.Sprintf("  %-22s %s %s → %d  %s", e.Server, e.Method, e.Path, e.Status, e.Decision)))
		for _, d := range e.Details {
			name, rest, _ := strings.Cut(d, ": ")
			switch {
			case strings.HasPrefix(d, "WEAKENED"):
				// What a weakened server let through, once in a row.
				if d != lastWeak {
					fmt.Fprintln(w, safe.Line("  "+strings.Repeat(" ", 24)+d))
				}
				lastWeak = d
			case strings.HasPrefix(e.Server, "authserver") && (e.Status >= 400 || strings.Contains(e.Decision, "inactive")):
				// What the authorization server did beyond refusing (it
				// revoked a grant), or why it called a token inactive.
				fmt.Fprintln(w, safe.Line("  "+strings.Repeat(" ", 24)+d))
			case strings.HasPrefix(e.Server, "fakebook"):
				// What the resource server let pass or refused, in its words.
				if strings.HasPrefix(rest, "warn") || strings.HasPrefix(rest, "fail") {
					fmt.Fprintln(w, safe.Line("  "+strings.Repeat(" ", 24)+name+": "+rest))
				}
			case strings.HasPrefix(d, "reason"):
				// What the authorization server knows and does not send
				// (why a token is inactive, RFC 7662 §2.2).
				fmt.Fprintln(w, safe.Line("  "+strings.Repeat(" ", 24)+d))
			}
		}
	}
	if ok {
		fmt.Fprintf(w, "\n✓ %s: the attack worked in the weakened world and the protection stopped it\n", l.Name)
	} else {
		fmt.Fprintf(w, "\n✗ %s: the lab did not demonstrate what it should (a check above failed)\n", l.Name)
	}
}
