// Package jobs is the worker's work: here, one line naming the platform.
package jobs

import (
	"fmt"
	"runtime"
)

// Run does one round of work and describes it.
func Run() string {
	return fmt.Sprintf("worker ran one round on %s/%s", runtime.GOOS, runtime.GOARCH)
}
