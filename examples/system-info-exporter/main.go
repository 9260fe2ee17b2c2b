// Command system-info-exporter is a tiny Prometheus exporter (standard library
// only) that publishes a handful of host gauges read from /proc, plus a
// system_info metric carrying the OS, architecture and exporter version.
//
// Usage:
//
//	system-info-exporter                serve on 0.0.0.0:$PORT (default 9100)
//	system-info-exporter version        print the version line (also --version)
//	system-info-exporter healthcheck    GET http://127.0.0.1:$PORT/healthz, exit 0 on 200
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

// Build metadata, overridable at link time with -ldflags "-X main.version=...".
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

const (
	binaryName  = "system-info-exporter"
	defaultPort = "9100"
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
	fmt.Fprintf(w, "  env PROC_ROOT: procfs mount point (default /proc)\n")
}

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

// procRoot lets the exporter read a host's procfs bind-mounted elsewhere
// (e.g. -v /proc:/host/proc:ro with PROC_ROOT=/host/proc).
func procRoot() string {
	if p := os.Getenv("PROC_ROOT"); p != "" {
		return p
	}
	return "/proc"
}

func newMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
		// Prometheus text exposition format, version 0.0.4.
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		writeMetrics(w, procRoot())
	})
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, "ok")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><body><h1>%s</h1><p><a href=\"/metrics\">/metrics</a></p></body></html>\n",
			versionLine())
	})
	return mux
}

// serve runs until SIGINT/SIGTERM, then shuts down gracefully.
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
		log.Printf("%s listening on %s (procfs at %s)", versionLine(), srv.Addr, procRoot())
		errCh <- srv.ListenAndServe()
	}()

	select {
	case err := <-errCh:
		return err
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

// healthcheck probes the local server; the return value is the exit code.
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
