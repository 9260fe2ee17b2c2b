package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
)

func TestHealthzAnswersOK(t *testing.T) {
	rec := httptest.NewRecorder()
	newHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200", rec.Code)
	}
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body["status"] != "ok" {
		t.Fatalf("body %q, want {\"status\":\"ok\"}", rec.Body.String())
	}
}

func TestRootNamesTheService(t *testing.T) {
	rec := httptest.NewRecorder()
	newHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), binaryName+" ") {
		t.Fatalf("status %d, body %q", rec.Code, rec.Body.String())
	}
	rec = httptest.NewRecorder()
	newHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/nope", nil))
	if rec.Code != http.StatusNotFound {
		t.Fatalf("/nope: status %d, want 404", rec.Code)
	}
}

func TestVersionLine(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"--version"}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	want := binaryName + " " + version + " (" + runtime.GOOS + "/" + runtime.GOARCH + ")\n"
	if out.String() != want {
		t.Fatalf("got %q, want %q", out.String(), want)
	}
}

func TestHealthcheckFollowsTheStatus(t *testing.T) {
	up := httptest.NewServer(newHandler())
	defer up.Close()
	if err := healthcheck(up.URL + "/healthz"); err != nil {
		t.Fatalf("healthy server: %v", err)
	}
	if err := healthcheck(up.URL + "/missing"); err == nil {
		t.Fatal("a 404 passed the health check")
	}
}

func TestUnknownCommandIsAUsageError(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"frobnicate"}, &out, &errs); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
}
