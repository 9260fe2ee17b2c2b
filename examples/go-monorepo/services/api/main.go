// Command api is the HTTP service of the monorepo example: it answers with the platform it runs on.
//
// Usage:
//
//	api              serve HTTP on 0.0.0.0:8080
//	api --version    print the version line
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"runtime"
	"time"
)

// Set at link time by the generated Dockerfile (`-X main.version=...`).
var version = "dev"

func main() {
	if len(os.Args) > 1 && (os.Args[1] == "--version" || os.Args[1] == "version") {
		fmt.Printf("api %s (%s/%s)\n", version, runtime.GOOS, runtime.GOARCH)
		return
	}
	http.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "api %s on %s/%s\n", version, runtime.GOOS, runtime.GOARCH)
	})
	srv := &http.Server{Addr: "0.0.0.0:8080", ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
