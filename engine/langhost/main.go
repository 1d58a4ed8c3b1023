// Command pulumi-language-nodejs is the Node.js language host that the Pulumi CLI starts to run a
// program written in JavaScript or TypeScript.
//
// Pulumi publishes its own host as a nested Go module that the module proxy does not serve, so this
// project builds this one, on the pinned release's SDK module, to the same contract: it serves
// pulumirpc.LanguageRuntime on 127.0.0.1, prints its port as the first line of stdout, and runs
// programs and policy packs with the Node.js SDK's own entry points (@pulumi/pulumi/cmd/run and
// cmd/run-policy-pack) resolved from the program's folder, so what runs is the user's installed SDK.
//
// Not supported (not needed by this project's programs): synchronous invokes (the SDK's --sync
// channel), debugger attachment, and code generation (convert, package gen-sdk).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// version is stamped at build time (-ldflags -X main.version=...) with the pinned Pulumi release.
var version = "0.0.0-dev"

func main() {
	cl, err := parseCommandLine(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(2)
	}

	var engineGone chan bool
	if cl.engineAddress != "" {
		if engineGone, err = watchEngine(cl.engineAddress, engineCheckInterval); err != nil {
			fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not watch the engine at %s: %v\n", cl.engineAddress, err)
			os.Exit(1)
		}
	}

	host := &languageHost{engineAddress: cl.engineAddress, tracing: cl.tracing}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		// Stops serving when the engine has gone away, so that a killed CLI leaves no host behind.
		Cancel: engineGone,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start the gRPC server: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: stopped serving: %v\n", err)
		os.Exit(1)
	}
}

// commandLine is what the engine passes when it starts the host.
type commandLine struct {
	// engineAddress is the engine's gRPC address: the last positional argument (empty when none).
	engineAddress string
	// tracing is the Zipkin-compatible endpoint handed on to the SDK's run entry point.
	tracing string
}

// parseCommandLine accepts the logging and tracing flags the engine passes to every plugin, so that
// none of them is fatal, and takes the engine's address from the last positional argument.
func parseCommandLine(args []string) (commandLine, error) {
	flags := flag.NewFlagSet("pulumi-language-nodejs", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	tracing := flags.String("tracing", "", "Zipkin-compatible tracing endpoint")
	flags.String("root", "", "project root (ignored: the engine sends it with every request)")
	flags.Bool("typescript", true, "ignored: the Pulumi.yaml runtime option decides")
	flags.Bool("logtostderr", false, "ignored")
	flags.String("v", "", "ignored")
	flags.Bool("logflow", false, "ignored")
	if err := flags.Parse(args); err != nil {
		return commandLine{}, err
	}
	cl := commandLine{tracing: *tracing}
	if rest := flags.Args(); len(rest) > 0 {
		cl.engineAddress = rest[len(rest)-1]
	}
	return cl, nil
}
