// Command go-coexist prints a greeting and the platform it runs on. It stands for a project that had its own
// Makefile and Dockerfile before mkmulti: mkmulti writes its own beside them (docker.mk, Dockerfile.mkmulti).
//
// Usage:
//
//	go-coexist [NAME]        print a greeting
//	go-coexist version       print the version line (also --version)
package main

import (
	"fmt"
	"os"
	"runtime"
)

// Build metadata, overridable at link time:
//
//	go build -ldflags "-X main.version=1.2.3 -X main.commit=abc123 -X main.date=2026-01-01"
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

const binaryName = "go-coexist"

func main() {
	arg := ""
	if len(os.Args) > 1 {
		arg = os.Args[1]
	}
	switch arg {
	case "version", "--version", "-v":
		fmt.Println(versionLine())
	case "help", "--help", "-h":
		fmt.Printf("usage: %s [NAME | version | --version]\n", binaryName)
	case "":
		fmt.Println(greeting("world"))
	default:
		fmt.Println(greeting(arg))
	}
}

func greeting(name string) string {
	return fmt.Sprintf("hello, %s, from %s/%s", name, runtime.GOOS, runtime.GOARCH)
}

// versionLine returns e.g. "go-coexist 1.2.3 (linux/arm64) commit abc123 built 2026-01-01".
func versionLine() string {
	return fmt.Sprintf("%s %s (%s/%s) commit %s built %s",
		binaryName, version, runtime.GOOS, runtime.GOARCH, commit, date)
}
