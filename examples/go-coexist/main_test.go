package main

import (
	"runtime"
	"strings"
	"testing"
)

func TestGreetingNamesThePlatform(t *testing.T) {
	got := greeting("gopher")
	if !strings.HasPrefix(got, "hello, gopher, ") || !strings.HasSuffix(got, runtime.GOOS+"/"+runtime.GOARCH) {
		t.Fatalf("greeting: %q", got)
	}
}
