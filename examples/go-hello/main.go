// Command go-hello is a tiny HTTP server used to demonstrate multi-architecture
// container builds. It reports the OS/architecture it is running on, so the
// same image tag pulled on amd64, arm64 or arm/v7 answers differently.
//
// Usage:
//
//	go-hello                 serve HTTP on 0.0.0.0:$PORT (default 8080)
//	go-hello version         print the version line (also --version)
//	go-hello healthcheck     GET http://127.0.0.1:$PORT/healthz, exit 0 on 200
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

// Build metadata, overridable at link time:
//
//	go build -ldflags "-X main.version=1.2.3 -X main.commit=abc123 -X main.date=2026-01-01"
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

const (
	binaryName  = "go-hello"
	defaultPort = "8080"
)

func main() {
	cmd := ""
	if len(os.Args) > 1 {
		cmd = os.Args[1]
	}
	switch cmd {
	case "", "serve":
		if err := serve(); err != nil {
			log.Fatal(err)
		}
	case "version", "--version", "-v":
		fmt.Println(versionLine())
	case "healthcheck":
		os.Exit(healthcheck())
	case "help", "--help", "-h":
		usage(os.Stdout)
	default:
		fmt.Fprintf(os.Stderr, "%s: unknown command %q\n", binaryName, cmd)
		usage(os.Stderr)
		os.Exit(2)
	}
}

func usage(w *os.File) {
	fmt.Fprintf(w, "usage: %s [serve|version|--version|healthcheck]\n", binaryName)
	fmt.Fprintf(w, "  env PORT: listen port (default %s)\n", defaultPort)
}

// versionLine returns e.g. "go-hello 1.2.3 (linux/arm64) commit abc123 built 2026-01-01".
func versionLine() string {
	return fmt.Sprintf("%s %s (%s/%s) commit %s built %s",
		binaryName, version, runtime.GOOS, runtime.GOARCH, commit, date)
}

func port() string {
	if p := os.Getenv("PORT"); p != "" {
		return p
	}
	return defaultPort
}

func newMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, "ok")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// "/" is a catch-all pattern in ServeMux; only answer the root itself.
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "hello from %s/%s\n", runtime.GOOS, runtime.GOARCH)
	})
	return mux
}

// serve runs the HTTP server until SIGINT or SIGTERM, then drains in-flight
// requests for up to 10 seconds. Container runtimes send SIGTERM on stop.
func serve() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	srv := &http.Server{
		Addr:              "0.0.0.0:" + port(),
		Handler:           newMux(),
		ReadHeaderTimeout: 5 * time.Second,
	}

	errCh := make(chan error, 1)
	go func() {
		log.Printf("%s listening on %s", versionLine(), srv.Addr)
		errCh <- srv.ListenAndServe()
	}()

	select {
	case err := <-errCh:
		return err // failed to bind, etc.
	case <-ctx.Done():
	}

	log.Print("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errCh; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// healthcheck probes the local server so images without a shell or curl can
// still define a HEALTHCHECK. It returns the process exit code.
func healthcheck() int {
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + port() + "/healthz")
	if err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck:", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "healthcheck: status", resp.Status)
		return 1
	}
	return 0
}
