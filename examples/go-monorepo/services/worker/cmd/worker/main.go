// Command worker is the one-shot job of the monorepo example: it does one round of work and exits.
//
// Usage:
//
//	worker              run one round
//	worker --version    print the version line
package main

import (
	"fmt"
	"os"
	"runtime"

	"example.com/monorepo/worker/internal/jobs"
)

// Set at link time by the generated Dockerfile (`-X main.version=...`).
var version = "dev"

func main() {
	if len(os.Args) > 1 && (os.Args[1] == "--version" || os.Args[1] == "version") {
		fmt.Printf("worker %s (%s/%s)\n", version, runtime.GOOS, runtime.GOARCH)
		return
	}
	fmt.Println(jobs.Run())
}
