package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// writeMetrics renders all metrics in Prometheus text format. Each /proc
// source is optional: if a file is missing or unparsable (e.g. on a non-Linux
// host) its metrics are simply omitted.
func writeMetrics(w io.Writer, proc string) {
	gauge(w, "system_info", "Static information about the host and exporter; value is always 1.")
	fmt.Fprintf(w, "system_info{arch=%q,os=%q,version=%q} 1\n", runtime.GOARCH, runtime.GOOS, version)

	if load, ok := readLoadavg(filepath.Join(proc, "loadavg")); ok {
		for i, name := range []string{"node_load1", "node_load5", "node_load15"} {
			period := []string{"1m", "5m", "15m"}[i]
			gauge(w, name, period+" load average.")
			fmt.Fprintf(w, "%s %s\n", name, formatFloat(load[i]))
		}
	}

	if mem, ok := readMeminfo(filepath.Join(proc, "meminfo")); ok {
		if v, ok := mem["MemTotal"]; ok {
			gauge(w, "node_memory_MemTotal_bytes", "Total usable memory in bytes (MemTotal).")
			fmt.Fprintf(w, "node_memory_MemTotal_bytes %s\n", formatFloat(v))
		}
		if v, ok := mem["MemAvailable"]; ok {
			gauge(w, "node_memory_MemAvailable_bytes", "Memory available for new workloads in bytes (MemAvailable).")
			fmt.Fprintf(w, "node_memory_MemAvailable_bytes %s\n", formatFloat(v))
		}
	}

	if up, ok := readUptime(filepath.Join(proc, "uptime")); ok {
		gauge(w, "node_uptime_seconds", "Seconds since the host booted.")
		fmt.Fprintf(w, "node_uptime_seconds %s\n", formatFloat(up))
	}
}

func gauge(w io.Writer, name, help string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name)
}

// formatFloat prints whole numbers (byte counts) without an exponent and
// everything else in the shortest exact form; Prometheus accepts both.
func formatFloat(f float64) string {
	if f == float64(int64(f)) && f < 1e15 && f > -1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// readLoadavg parses the first three fields of /proc/loadavg,
// e.g. "0.52 0.58 0.59 1/467 12345".
func readLoadavg(path string) ([3]float64, bool) {
	var out [3]float64
	data, err := os.ReadFile(path)
	if err != nil {
		return out, false
	}
	fields := strings.Fields(string(data))
	if len(fields) < 3 {
		return out, false
	}
	for i := 0; i < 3; i++ {
		v, err := strconv.ParseFloat(fields[i], 64)
		if err != nil {
			return out, false
		}
		out[i] = v
	}
	return out, true
}

// readMeminfo parses /proc/meminfo lines like "MemTotal:  16315880 kB" into
// a map of byte values (kB is KiB in procfs).
func readMeminfo(path string) (map[string]float64, bool) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()

	out := make(map[string]float64)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, rest, found := strings.Cut(sc.Text(), ":")
		if !found {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			continue
		}
		if len(fields) > 1 && fields[1] == "kB" {
			v *= 1024
		}
		out[key] = v
	}
	return out, sc.Err() == nil && len(out) > 0
}

// readUptime parses the first field of /proc/uptime, e.g. "350735.47 234388.90".
func readUptime(path string) (float64, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	fields := strings.Fields(string(data))
	if len(fields) == 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return 0, false
	}
	return v, true
}
