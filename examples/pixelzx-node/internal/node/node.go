// Package node holds the (deliberately tiny) logic of the pixelzx node:
// genesis handling, the JSON-RPC HTTP endpoint and the P2P listener.
package node

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// DefaultChainID is written into new genesis files (0x1f90).
const DefaultChainID = 8080

// Genesis is the small subset of a genesis file this node understands.
type Genesis struct {
	Config     GenesisConfig     `json:"config"`
	Timestamp  string            `json:"timestamp"`
	GasLimit   string            `json:"gasLimit"`
	Difficulty string            `json:"difficulty"`
	ExtraData  string            `json:"extraData"`
	Alloc      map[string]string `json:"alloc"`
}

// GenesisConfig carries chain parameters.
type GenesisConfig struct {
	ChainID uint64 `json:"chainId"`
}

// DefaultGenesis returns the genesis written by InitGenesis.
func DefaultGenesis() Genesis {
	return Genesis{
		Config:     GenesisConfig{ChainID: DefaultChainID},
		Timestamp:  "0x0",
		GasLimit:   "0x1c9c380",
		Difficulty: "0x1",
		ExtraData:  "pixelzx genesis",
		Alloc:      map[string]string{},
	}
}

// GenesisPath is where the genesis file lives inside a data directory.
func GenesisPath(dataDir string) string {
	return filepath.Join(dataDir, "genesis.json")
}

// InitGenesis creates dataDir if needed and writes the default genesis file
// unless one already exists. It reports whether a new file was written.
func InitGenesis(dataDir string) (bool, error) {
	path := GenesisPath(dataDir)
	if _, err := os.Stat(path); err == nil {
		return false, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return false, err
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return false, err
	}
	data, err := json.MarshalIndent(DefaultGenesis(), "", "  ")
	if err != nil {
		return false, err
	}
	// Write to a temporary file and rename, so a crash never leaves a
	// half-written genesis behind.
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return false, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return false, err
	}
	return true, nil
}

// LoadGenesis reads and parses the genesis file in dataDir.
func LoadGenesis(dataDir string) (Genesis, error) {
	var g Genesis
	data, err := os.ReadFile(GenesisPath(dataDir))
	if err != nil {
		return g, err
	}
	if err := json.Unmarshal(data, &g); err != nil {
		return g, fmt.Errorf("parse %s: %w", GenesisPath(dataDir), err)
	}
	return g, nil
}

// Config configures a Node.
type Config struct {
	DataDir       string
	RPCAddr       string // e.g. "0.0.0.0:8545"
	P2PAddr       string // e.g. "0.0.0.0:30303"
	ClientVersion string // returned by web3_clientVersion
}

// Node is a running pixelzx node.
type Node struct {
	cfg     Config
	genesis Genesis
}

// New initialises the data directory (if needed) and loads its genesis.
func New(cfg Config) (*Node, error) {
	if created, err := InitGenesis(cfg.DataDir); err != nil {
		return nil, fmt.Errorf("init genesis: %w", err)
	} else if created {
		log.Printf("initialised new data directory %s", cfg.DataDir)
	}
	g, err := LoadGenesis(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	return &Node{cfg: cfg, genesis: g}, nil
}

// ChainID returns the chain id from the loaded genesis.
func (n *Node) ChainID() uint64 { return n.genesis.Config.ChainID }

// Run serves JSON-RPC and P2P until ctx is cancelled, then shuts down.
func (n *Node) Run(ctx context.Context) error {
	p2p, err := net.Listen("tcp", n.cfg.P2PAddr)
	if err != nil {
		return fmt.Errorf("p2p listen: %w", err)
	}
	rpcLn, err := net.Listen("tcp", n.cfg.RPCAddr)
	if err != nil {
		p2p.Close()
		return fmt.Errorf("rpc listen: %w", err)
	}
	srv := &http.Server{Handler: n.Handler(), ReadHeaderTimeout: 5 * time.Second}

	log.Printf("%s: chain id %d, datadir %s, rpc %s, p2p %s",
		n.cfg.ClientVersion, n.ChainID(), n.cfg.DataDir, n.cfg.RPCAddr, n.cfg.P2PAddr)

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		acceptP2P(p2p)
	}()

	errCh := make(chan error, 1)
	go func() { errCh <- srv.Serve(rpcLn) }()

	var runErr error
	select {
	case runErr = <-errCh:
	case <-ctx.Done():
		log.Print("shutting down")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		runErr = srv.Shutdown(shutdownCtx)
	}
	p2p.Close() // unblocks acceptP2P
	wg.Wait()
	if errors.Is(runErr, http.ErrServerClosed) {
		runErr = nil
	}
	return runErr
}

// acceptP2P stands in for a peer-to-peer stack: it accepts connections and
// closes them straight away, until the listener is closed.
func acceptP2P(ln net.Listener) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				log.Printf("p2p accept: %v", err)
			}
			return
		}
		conn.Close()
	}
}

// Handler returns the HTTP handler: JSON-RPC on POST / and a health probe.
func (n *Node) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("/", n.serveRPC)
	return mux
}

type rpcRequest struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

type rpcResponse struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  any             `json:"result,omitempty"`
	Error   *rpcError       `json:"error,omitempty"`
}

// Standard JSON-RPC 2.0 error codes.
const (
	codeParseError     = -32700
	codeInvalidRequest = -32600
	codeMethodNotFound = -32601
)

func (n *Node) serveRPC(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "JSON-RPC expects POST", http.StatusMethodNotAllowed)
		return
	}

	var req rpcRequest
	body := http.MaxBytesReader(w, r.Body, 1<<20)
	resp := rpcResponse{JSONRPC: "2.0", ID: json.RawMessage("null")}
	if err := json.NewDecoder(body).Decode(&req); err != nil {
		resp.Error = &rpcError{Code: codeParseError, Message: "parse error: " + err.Error()}
	} else {
		if len(req.ID) > 0 {
			resp.ID = req.ID
		}
		resp.Result, resp.Error = n.call(req.Method)
	}

	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

// call dispatches one JSON-RPC method.
func (n *Node) call(method string) (any, *rpcError) {
	switch method {
	case "eth_chainId":
		return fmt.Sprintf("0x%x", n.ChainID()), nil
	case "net_version":
		return fmt.Sprintf("%d", n.ChainID()), nil
	case "web3_clientVersion":
		return n.cfg.ClientVersion, nil
	case "eth_blockNumber":
		return "0x0", nil // this toy chain never leaves genesis
	case "":
		return nil, &rpcError{Code: codeInvalidRequest, Message: "missing method"}
	default:
		return nil, &rpcError{Code: codeMethodNotFound, Message: "method not found: " + method}
	}
}

// Healthcheck GETs url and fails unless the answer is HTTP 200.
func Healthcheck(url string) error {
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("unexpected status %s", resp.Status)
	}
	return nil
}
