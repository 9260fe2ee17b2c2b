// Command {{ name }}: {{ description }}.
//
// Usage:
//
//	{{ name }}                serve HTTP on 0.0.0.0:$PORT (default {{ port }})
//	{{ name }} --version      print "{{ name }} VERSION (OS/ARCH)" (also: version)
//	{{ name }} healthcheck    GET its own /healthz; exit 0 when it answers 200, else 1
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
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
	defaultPort = "{{ port }}"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches the command line and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	cmd := ""
	if len(args) > 0 {
		cmd = args[0]
	}
	switch cmd {
	case "", "serve":
		if err := serve(); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", binaryName, err)
			return 1
		}
		return 0
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, versionLine())
		return 0
	case "healthcheck":
		if err := healthcheck("http://127.0.0.1:" + port() + "/healthz"); err != nil {
			fmt.Fprintf(stderr, "%s: healthcheck: %v\n", binaryName, err)
			return 1
		}
		return 0
	case "help", "--help", "-h":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "%s: unknown command %q\n", binaryName, cmd)
		usage(stderr)
		return 2
	}
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "%s: %s\n\nusage: %s [serve|--version|healthcheck]\n  env PORT: the port to listen on (default %s)\n",
		binaryName, description, binaryName, defaultPort)
}

// versionLine is "NAME VERSION (OS/ARCH)", e.g. "{{ name }} 1.2.3 (linux/arm64)".
func versionLine() string {
	return fmt.Sprintf("%s %s (%s/%s)", binaryName, version, runtime.GOOS, runtime.GOARCH)
}

func port() string {
	if p := os.Getenv("PORT"); p != "" {
		return p
	}
	return defaultPort
}

// newHandler answers / with a line naming the service and /healthz with {"status":"ok"}.
func newHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"status": "ok"})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "%s\n", versionLine())
	})
	return mux
}

// serve answers HTTP until SIGINT or SIGTERM, then lets requests in flight finish (10 s at most) and returns
// nil: a container stop is a clean exit.
func serve() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{
		Addr:              "0.0.0.0:" + port(),
		Handler:           newHandler(),
		ReadHeaderTimeout: 5 * time.Second,
	}
	errs := make(chan error, 1)
	go func() {
		log.Printf("%s listening on %s", versionLine(), srv.Addr)
		errs <- srv.ListenAndServe()
	}()
	select {
	case err := <-errs:
		return err
	case <-ctx.Done():
	}
	log.Print("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errs; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// healthcheck GETs url and fails unless it answers 200: the image's HEALTHCHECK runs it, as the runtime image
// has no shell or curl.
func healthcheck(url string) error {
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %s", resp.Status)
	}
	return nil
}
