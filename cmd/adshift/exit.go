package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/adshift/adshift/sinks/clickhouse"
)

// Exit codes, so scripts and supervisors can tell a typo from an outage.
const (
	exitOK         = 0
	exitFailure    = 1 // anything else: a failure while running
	exitUsage      = 2 // unknown command or flag, bad arguments or flag values
	exitConfig     = 3 // a configuration file, variable or key is wrong
	exitConnection = 4 // a broker or ClickHouse did not answer
)

// usageError marks a wrong command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// configError marks a wrong configuration.
type configError struct{ err error }

func (e configError) Error() string { return e.err.Error() }
func (e configError) Unwrap() error { return e.err }

// connectionError marks a broker or server that did not answer.
type connectionError struct{ err error }

func (e connectionError) Error() string { return e.err.Error() }
func (e connectionError) Unwrap() error { return e.err }

// ranError marks an error a command's RunE returned; any other error came from cobra before
// the command ran (parsing the command line) and is a usage error.
type ranError struct{ err error }

func (e ranError) Error() string { return e.err.Error() }
func (e ranError) Unwrap() error { return e.err }

// exitCode is the process exit code for err, the error Execute returned.
func exitCode(err error) int {
	var (
		usage   usageError
		config  configError
		connect connectionError
		ran     ranError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &connect), errors.Is(err, clickhouse.ErrUnreachable):
		return exitConnection
	case errors.As(err, &config):
		return exitConfig
	case errors.As(err, &usage):
		return exitUsage
	case errors.As(err, &ran):
		return exitFailure
	}
	return exitUsage
}

// markRan wraps the RunE of cmd and of every command under it so that their errors are told
// from cobra's own (unknown commands, flags and arguments).
func markRan(cmd *cobra.Command) {
	if run := cmd.RunE; run != nil {
		cmd.RunE = func(c *cobra.Command, args []string) error {
			if err := run(c, args); err != nil {
				return ranError{err}
			}
			return nil
		}
	}
	for _, sub := range cmd.Commands() {
		markRan(sub)
	}
}
