// Command {{ name }}: {{ description }}.
//
// Usage:
//
//	{{ name }} [--upper] [--repeat N] greet NAME...   print a greeting per NAME
//	{{ name }} --version                              print "{{ name }} VERSION (OS/ARCH)" (also: version)
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
)

// Set at link time by the Dockerfile mkmulti generates:
//
//	go build -ldflags "-X main.version=1.2.3 -X main.commit=abc123 -X main.date=2026-01-01"
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

const (
	binaryName  = {{ name | json }}
	description = {{ description | json }}
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run parses the command line, runs the command and returns the exit code: 0, 1 on failure, 2 on bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet(binaryName, flag.ContinueOnError)
	flags.SetOutput(stderr)
	showVersion := flags.Bool("version", false, "print the version and exit")
	upper := flags.Bool("upper", false, "greet in capitals")
	repeat := flags.Int("repeat", 1, "how many times to greet each name")
	flags.Usage = func() {
		fmt.Fprintf(flags.Output(), "%s: %s\n\nusage: %s [flags] greet NAME...\n       %s --version\n\nflags:\n",
			binaryName, description, binaryName, binaryName)
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	rest := flags.Args()
	if *showVersion || (len(rest) > 0 && rest[0] == "version") {
		fmt.Fprintln(stdout, versionLine())
		return 0
	}
	if len(rest) == 0 {
		flags.Usage()
		return 2
	}
	switch rest[0] {
	case "greet":
		lines, err := greet(rest[1:], *repeat, *upper)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", binaryName, err)
			return 2
		}
		for _, line := range lines {
			fmt.Fprintln(stdout, line)
		}
		return 0
	default:
		fmt.Fprintf(stderr, "%s: unknown command %q\n", binaryName, rest[0])
		flags.Usage()
		return 2
	}
}

// versionLine is "NAME VERSION (OS/ARCH)", e.g. "{{ name }} 1.2.3 (linux/arm64)".
func versionLine() string {
	return fmt.Sprintf("%s %s (%s/%s)", binaryName, version, runtime.GOOS, runtime.GOARCH)
}

// greet returns one greeting per name, each repeated `repeat` times.
func greet(names []string, repeat int, upper bool) ([]string, error) {
	if len(names) == 0 {
		return nil, errors.New("greet: name someone to greet")
	}
	if repeat < 1 {
		return nil, fmt.Errorf("--repeat %d: greet at least once", repeat)
	}
	var lines []string
	for _, name := range names {
		line := fmt.Sprintf("Hello, %s! (from %s/%s)", name, runtime.GOOS, runtime.GOARCH)
		if upper {
			line = strings.ToUpper(line)
		}
		for i := 0; i < repeat; i++ {
			lines = append(lines, line)
		}
	}
	return lines, nil
}
