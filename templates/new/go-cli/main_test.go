package main

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
)

func TestVersionLine(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}} {
		var out, errs bytes.Buffer
		if code := run(args, &out, &errs); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs.String())
		}
		want := binaryName + " " + version + " (" + runtime.GOOS + "/" + runtime.GOARCH + ")\n"
		if out.String() != want {
			t.Fatalf("%v: got %q, want %q", args, out.String(), want)
		}
	}
}

func TestGreetRepeatsAndShouts(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"--repeat", "2", "--upper", "greet", "ada", "linus"}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "HELLO, ADA!") || !strings.HasPrefix(lines[3], "HELLO, LINUS!") {
		t.Fatalf("got %q", lines)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"greet"}, {"--repeat", "0", "greet", "x"}, {"frobnicate"}, {"--nope"}} {
		var out, errs bytes.Buffer
		if code := run(args, &out, &errs); code != 2 {
			t.Fatalf("%v: exit %d, want 2", args, code)
		}
	}
}
