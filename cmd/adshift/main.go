// Command adshift turns shoppers' live behaviour into ads written for them and measures what
// the ads did. This package only wires components together; each subcommand has its own file.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time (make build).
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRoot().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "adshift:", err)
		stop()
		os.Exit(exitCode(err))
	}
}
