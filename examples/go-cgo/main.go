// Command go-cgo is a cgo program: it asks the C library it is linked against
// for its version. Built for every platform by cross-compiling C with Debian's
// cross gcc, it proves that cgo works without emulation and that each image
// carries a glibc for its own architecture.
//
// Usage:
//
//	go-cgo              print the version line and the glibc version
//	go-cgo version      the same (also --version)
package main

/*
#include <gnu/libc-version.h>
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
)

// Build metadata, set at link time with -ldflags -X.
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "version", "--version", "-v":
		default:
			fmt.Fprintf(os.Stderr, "go-cgo: unknown command %q\nusage: go-cgo [version|--version]\n", os.Args[1])
			os.Exit(2)
		}
	}
	fmt.Printf("go-cgo %s (%s/%s) commit %s built %s, glibc %s\n",
		version, runtime.GOOS, runtime.GOARCH, commit, date, C.GoString(C.gnu_get_libc_version()))
}
