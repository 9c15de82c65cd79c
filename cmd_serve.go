package main

import "github.com/spf13/cobra"

// newServeCmd runs the embedded authorization server and FakeBook until Ctrl-C.
func newServeCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the embedded authorization server and FakeBook API until Ctrl-C",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageErrorf("serve is not built yet")
		},
	}
}
