package main

import (
	"context"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
)

// engineCheckInterval is how often the host asks the engine whether it is still there.
const engineCheckInterval = 10 * time.Second

// watchEngine returns a channel that is closed when the engine at address stops answering its health
// check, asked every interval. The engine stops its plugins when it ends, but a CLI that is killed
// cannot: without this, its language host (and the program it runs) would serve on forever, holding
// whatever the CLI had open.
func watchEngine(address string, every time.Duration) (chan bool, error) {
	ctx, cancel := context.WithCancel(context.Background())
	gone := make(chan bool)
	go func() {
		<-ctx.Done()
		close(gone)
	}()
	if err := rpcutil.Healthcheck(ctx, address, every, cancel); err != nil {
		cancel()
		return nil, err
	}
	return gone, nil
}
