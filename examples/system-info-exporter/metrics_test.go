package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteMetricsFromFakeProc(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"loadavg": "0.50 0.25 1.00 1/123 4567\n",
		"meminfo": "MemTotal:       2048 kB\nMemFree:        1024 kB\nMemAvailable:   1536 kB\n",
		"uptime":  "123.45 67.89\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	var buf bytes.Buffer
	writeMetrics(&buf, dir)
	out := buf.String()
	for _, want := range []string{
		"node_load1 0.5\n",
		"node_load5 0.25\n",
		"node_load15 1\n",
		"node_memory_MemTotal_bytes 2097152\n",
		"node_memory_MemAvailable_bytes 1572864\n",
		"node_uptime_seconds 123.45\n",
		"# TYPE system_info gauge\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in output:\n%s", want, out)
		}
	}
}

func TestWriteMetricsMissingProcIsNotFatal(t *testing.T) {
	var buf bytes.Buffer
	writeMetrics(&buf, filepath.Join(t.TempDir(), "does-not-exist"))
	out := buf.String()
	if !strings.Contains(out, "system_info{") {
		t.Fatalf("system_info missing:\n%s", out)
	}
	if strings.Contains(out, "node_") {
		t.Fatalf("unexpected node_ metrics without procfs:\n%s", out)
	}
}
