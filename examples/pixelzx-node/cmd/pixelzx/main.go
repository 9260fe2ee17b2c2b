// Command pixelzx is a toy "chain node" shaped like a real blockchain node:
// it initialises a data directory with a genesis file, serves a minimal
// JSON-RPC API over HTTP and opens a P2P port. Standard library only.
//
// Usage:
//
//	pixelzx [start] [--datadir DIR] [--rpc.port N] [--p2p.port N]
//	pixelzx init [--datadir DIR]
//	pixelzx version | --version
//	pixelzx healthcheck [--rpc.port N]
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/yuchanshin/pixelzx/internal/node"
)

// Build metadata, overridable at link time:
//
//	go build -ldflags "-X main.version=1.2.3 -X main.commit=abc123 -X main.date=2026-01-01" ./cmd/pixelzx
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

const (
	binaryName     = "pixelzx"
	defaultDataDir = "/home/pixelzx/data"
	defaultRPCPort = "8545"
	defaultP2PPort = "30303"
)

func main() {
	args := os.Args[1:]
	cmd := "start"
	// No arguments, or only flags, means "start".
	if len(args) > 0 && (len(args[0]) == 0 || args[0][0] != '-' || isVersionFlag(args[0])) {
		cmd, args = args[0], args[1:]
	}

	var err error
	switch cmd {
	case "start":
		err = runStart(args)
	case "init":
		err = runInit(args)
	case "version", "--version", "-v":
		fmt.Println(versionLine())
	case "healthcheck":
		os.Exit(runHealthcheck(args))
	case "help", "--help", "-h":
		usage()
	default:
		fmt.Fprintf(os.Stderr, "%s: unknown command %q\n", binaryName, cmd)
		usage()
		os.Exit(2)
	}
	if err != nil {
		log.Fatalf("%s %s: %v", binaryName, cmd, err)
	}
}

func isVersionFlag(s string) bool {
	return s == "--version" || s == "-v" || s == "--help" || s == "-h"
}

func usage() {
	fmt.Fprintf(os.Stderr, `usage: %[1]s <command> [flags]

commands:
  start        run the node (default when no command is given)
  init         write genesis.json into the data directory
  version      print version information (also --version)
  healthcheck  GET http://127.0.0.1:<rpc port>/healthz, exit 0 on 200

environment:
  PIXELZX_DATADIR   default data directory (%[2]s)
  PORT              JSON-RPC HTTP port (%[3]s)
  P2P_PORT          P2P TCP port (%[4]s)
`, binaryName, defaultDataDir, defaultRPCPort, defaultP2PPort)
}

// versionLine returns e.g. "pixelzx 1.2.3 (linux/arm64) commit abc123 built 2026-01-01".
func versionLine() string {
	return fmt.Sprintf("%s %s (%s/%s) commit %s built %s",
		binaryName, version, runtime.GOOS, runtime.GOARCH, commit, date)
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func dataDirFlag(fs *flag.FlagSet) *string {
	return fs.String("datadir", envOr("PIXELZX_DATADIR", defaultDataDir), "data directory")
}

func rpcPortFlag(fs *flag.FlagSet) *string {
	return fs.String("rpc.port", envOr("PORT", defaultRPCPort), "JSON-RPC HTTP port")
}

func runInit(args []string) error {
	fs := flag.NewFlagSet("init", flag.ExitOnError)
	dataDir := dataDirFlag(fs)
	_ = fs.Parse(args) // ExitOnError: Parse exits on bad flags

	created, err := node.InitGenesis(*dataDir)
	if err != nil {
		return err
	}
	if created {
		log.Printf("wrote genesis to %s", node.GenesisPath(*dataDir))
	} else {
		log.Printf("genesis already present at %s, leaving it unchanged", node.GenesisPath(*dataDir))
	}
	return nil
}

func runStart(args []string) error {
	fs := flag.NewFlagSet("start", flag.ExitOnError)
	dataDir := dataDirFlag(fs)
	rpcPort := rpcPortFlag(fs)
	p2pPort := fs.String("p2p.port", envOr("P2P_PORT", defaultP2PPort), "P2P TCP port")
	_ = fs.Parse(args)

	// Docker sends SIGTERM on stop; cancel the context so the node drains.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	n, err := node.New(node.Config{
		DataDir:       *dataDir,
		RPCAddr:       net.JoinHostPort("0.0.0.0", *rpcPort),
		P2PAddr:       net.JoinHostPort("0.0.0.0", *p2pPort),
		ClientVersion: versionLine(),
	})
	if err != nil {
		return err
	}
	return n.Run(ctx)
}

func runHealthcheck(args []string) int {
	fs := flag.NewFlagSet("healthcheck", flag.ExitOnError)
	rpcPort := rpcPortFlag(fs)
	_ = fs.Parse(args)

	if err := node.Healthcheck("http://" + net.JoinHostPort("127.0.0.1", *rpcPort) + "/healthz"); err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck:", err)
		return 1
	}
	return 0
}
