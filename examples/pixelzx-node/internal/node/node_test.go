package node

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func newTestNode(t *testing.T) *Node {
	t.Helper()
	n, err := New(Config{DataDir: t.TempDir() + "/data", ClientVersion: "pixelzx test"})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInitGenesisIsIdempotent(t *testing.T) {
	dir := t.TempDir() + "/nested/data"
	created, err := InitGenesis(dir)
	if err != nil || !created {
		t.Fatalf("first init: created=%v err=%v", created, err)
	}
	created, err = InitGenesis(dir)
	if err != nil || created {
		t.Fatalf("second init: created=%v err=%v", created, err)
	}
	g, err := LoadGenesis(dir)
	if err != nil {
		t.Fatal(err)
	}
	if g.Config.ChainID != DefaultChainID {
		t.Fatalf("chain id = %d", g.Config.ChainID)
	}
}

func TestRPC(t *testing.T) {
	h := newTestNode(t).Handler()
	cases := []struct{ body, want string }{
		{`{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}`, `{"jsonrpc":"2.0","id":1,"result":"0x1f90"}`},
		{`{"jsonrpc":"2.0","id":"a","method":"web3_clientVersion"}`, `{"jsonrpc":"2.0","id":"a","result":"pixelzx test"}`},
		{`{"method":"eth_chainId"}`, `{"jsonrpc":"2.0","id":null,"result":"0x1f90"}`},
		{`{"jsonrpc":"2.0","id":2,"method":"nope"}`, `{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"method not found: nope"}}`},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(c.body)))
		if got := strings.TrimSpace(rec.Body.String()); got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.body, got, c.want)
		}
	}
}

func TestHealthzAndMethod(t *testing.T) {
	h := newTestNode(t).Handler()

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != http.StatusOK || rec.Body.String() != "ok" {
		t.Fatalf("healthz: %d %q", rec.Code, rec.Body.String())
	}

	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("GET /: %d", rec.Code)
	}
}
