// Command go-cgo is a cgo program: it asks the C libraries it is linked against,
// glibc and zlib, for their versions. Built for every platform by cross-compiling
// C with Debian's cross gcc against the target's zlib (found through pkg-config),
// it proves that cgo works without emulation and that each image carries a glibc
// and a zlib for its own architecture.
//
// Usage:
//
//	go-cgo              print the version line and the glibc and zlib versions
//	go-cgo version      the same (also --version)
package main

/*
#cgo pkg-config: zlib
#include <gnu/libc-version.h>
#include <zlib.h>
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
	fmt.Printf("go-cgo %s (%s/%s) commit %s built %s, glibc %s, zlib %s\n",
		version, runtime.GOOS, runtime.GOARCH, commit, date,
		C.GoString(C.gnu_get_libc_version()), C.GoString(C.zlibVersion()))
}
