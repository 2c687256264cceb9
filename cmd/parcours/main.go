// Command parcours is the Parcours server and its operator tools. main only
// calls run; everything else lives in internal/cli so it can be tested.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"parcours/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "parcours: "+cli.Message(err))
		os.Exit(cli.ExitCode(err))
	}
}
