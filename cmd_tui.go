package main

import "github.com/spf13/cobra"

// addTUI makes the root command open the workbench.
func addTUI(root *cobra.Command, g *globalOptions) {
	root.RunE = func(cmd *cobra.Command, _ []string) error {
		return usageErrorf("the TUI is not built yet")
	}
}
