// Package cli is the command line of Parcours: subcommands, their flags
// (each with a PARCOURS_* environment twin) and their help. It only parses
// and wires; the work is done by the services through package app.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"parcours/internal/i18n"
	"parcours/internal/parcours"
)

// Version is set at build time with -ldflags "-X parcours/internal/cli.Version=…".
var Version = "dev"

// env bundles what a command may touch, so tests can run commands
// in-process with their own streams.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

type command struct {
	name    string // "serve", "admin create-org"
	summary string
	usage   string // arguments after the flags
	flags   func(fs *flag.FlagSet, c *Common)
	run     func(ctx context.Context, e *env, c *Common, args []string) error
}

// Common are the options every subcommand accepts.
type Common struct {
	Database string
	Addr     string
	DataDir  string
	// TrustedProxies is serve's --trusted-proxies, unparsed.
	TrustedProxies string
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("cli: command " + c.name + " registered twice")
	}
	commands[c.name] = c
}

// usageError is a mistake in the command line: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// ExitCode is 2 for usage errors, 1 for everything else.
func ExitCode(err error) int {
	var u *usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// Message renders err as one readable line, translated when it is one of
// ours.
func Message(err error) string {
	if e := parcours.AsError(err); e != nil {
		msg := i18n.T(cliLang(), e.Key, e.Args...)
		for _, f := range e.Fields[min(1, len(e.Fields)):] {
			msg += " ; " + i18n.T(cliLang(), f.Key, f.Args...)
		}
		return msg
	}
	return strings.ReplaceAll(err.Error(), "\n", " ")
}

func cliLang() string {
	l := os.Getenv("LANG")
	return i18n.Negotiate("", strings.ReplaceAll(strings.SplitN(l, ".", 2)[0], "_", "-"))
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func commonFlags(fs *flag.FlagSet, c *Common) {
	fs.StringVar(&c.Database, "database", envOr("PARCOURS_DATABASE", "parcours.db"),
		"database: a SQLite file path, or postgres://… for PostgreSQL (env PARCOURS_DATABASE)")
	fs.StringVar(&c.DataDir, "data-dir", envOr("PARCOURS_DATA_DIR", "./data"),
		"directory for documents and keys (env PARCOURS_DATA_DIR)")
}

// proxyFlag adds serve's --trusted-proxies: behind a reverse proxy, the
// client address (login throttling) comes from X-Forwarded-For, but only
// when the request arrives from one of these.
func proxyFlag(fs *flag.FlagSet, c *Common) {
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", os.Getenv("PARCOURS_TRUSTED_PROXIES"),
		"reverse proxies whose X-Forwarded-For is believed: IPs or CIDRs, comma-separated; none by default (env PARCOURS_TRUSTED_PROXIES)")
}

func addrFlag(fs *flag.FlagSet, c *Common) {
	fs.StringVar(&c.Addr, "addr", envOr("PARCOURS_ADDR", "127.0.0.1:8080"), "address to listen on (env PARCOURS_ADDR)")
}

// Run runs the command line args (without the program name).
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdout)
		if len(args) == 0 {
			return &usageError{"missing subcommand"}
		}
		return nil
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(stdout, "parcours", Version)
		return nil
	}
	name := args[0]
	rest := args[1:]
	if _, ok := commands[name]; !ok && len(args) > 1 {
		name, rest = args[0]+" "+args[1], args[2:]
	}
	cmd, ok := commands[name]
	if !ok {
		if group := groupOf(args[0]); len(group) > 0 {
			printGroup(stdout, args[0], group)
			if len(args) > 1 && (args[1] == "-h" || args[1] == "--help") {
				return nil
			}
			return &usageError{fmt.Sprintf("unknown subcommand %q (see parcours %s --help)", strings.Join(args[:min(2, len(args))], " "), args[0])}
		}
		return &usageError{fmt.Sprintf("unknown subcommand %q (see parcours --help)", args[0])}
	}
	fs := flag.NewFlagSet("parcours "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c Common
	commonFlags(fs, &c)
	if cmd.flags != nil {
		cmd.flags(fs, &c)
	}
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage: parcours %s [flags] %s\n\n%s\n\nFlags:\n", cmd.name, cmd.usage, cmd.summary)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(stderr)
	}
	if err := fs.Parse(interleave(fs, rest)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return &usageError{err.Error()}
	}
	return cmd.run(ctx, e, &c, fs.Args())
}

// interleave lets flags follow positional arguments ("create-org NAME
// --database x"), which operators type naturally.
func interleave(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if strings.Contains(name, "=") {
				continue
			}
			f := fs.Lookup(name)
			if f == nil {
				continue
			}
			if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
				continue
			}
			if i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, pos...)
}

func groupOf(prefix string) []*command {
	var out []*command
	for name, c := range commands {
		if strings.HasPrefix(name, prefix+" ") {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func printGroup(w io.Writer, group string, cmds []*command) {
	fmt.Fprintf(w, "Usage: parcours %s <subcommand> [flags]\n\nSubcommands:\n", group)
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-28s %s\n", c.name, c.summary)
	}
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Parcours — dossier social partagé / shared social case file.\n\nUsage: parcours <subcommand> [flags]\n\nSubcommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-28s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nEvery subcommand accepts --database (env PARCOURS_DATABASE) and --help.")
}
