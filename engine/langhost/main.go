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
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// version is stamped at build time (-ldflags -X main.version=...) with the pinned Pulumi release.
var version = "0.0.0-dev"

func main() {
	// The engine passes logging and tracing flags to every plugin; accept them so none is fatal.
	flags := flag.NewFlagSet("pulumi-language-nodejs", flag.ContinueOnError)
	tracing := flags.String("tracing", "", "Zipkin-compatible tracing endpoint")
	flags.String("root", "", "project root (ignored: the engine sends it with every request)")
	flags.Bool("typescript", true, "ignored: the Pulumi.yaml runtime option decides")
	flags.Bool("logtostderr", false, "ignored")
	flags.String("v", "", "ignored")
	flags.Bool("logflow", false, "ignored")
	if err := flags.Parse(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(2)
	}

	engineAddress := ""
	if args := flags.Args(); len(args) > 0 {
		engineAddress = args[len(args)-1]
	}

	host := &languageHost{engineAddress: engineAddress, tracing: *tracing}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
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
