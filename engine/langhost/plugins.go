package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// InstallDependencies runs the project's package manager in the program folder (`pulumi install`).
func (h *languageHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()
	opts, err := parseRuntimeOptions(req.GetInfo().GetOptions())
	if err != nil {
		return err
	}
	bin, err := exec.LookPath(opts.packagemanager)
	if err != nil {
		return fmt.Errorf("could not find %s on the PATH", opts.packagemanager)
	}
	fmt.Fprintf(stdout, "Installing dependencies with %s...\n", opts.packagemanager)
	cmd := exec.CommandContext(server.Context(), bin, "install")
	cmd.Dir = req.GetInfo().GetProgramDirectory()
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s install failed: %w", opts.packagemanager, err)
	}
	fmt.Fprintln(stdout, "Finished installing dependencies")
	return closer.Close()
}

// RunPlugin runs a plugin written in Node.js. The engine uses it for policy packs (kind "analyzer"):
// the pack runs with @pulumi/pulumi/cmd/run-policy-pack from the pack's own folder, the engine's
// address first and the pack's folder last, and with the stack's identity and config in its
// environment, which the SDK's policy proxy collects from the engine before the pack starts.
func (h *languageHost) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	info := req.GetInfo()
	opts, err := parseRuntimeOptions(info.GetOptions())
	if err != nil {
		return err
	}
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return errors.New("could not find node on the PATH")
	}
	analyzer := req.GetKind() == "analyzer"
	entry := "@pulumi/pulumi/cmd/run-plugin"
	if analyzer {
		entry = "@pulumi/pulumi/cmd/run-policy-pack"
	}
	runPath, err := resolveSDKModule(nodeBin, info.GetProgramDirectory(), entry)
	if err != nil {
		return err
	}

	args, dir := pluginCommand(req, opts, runPath)
	env := append(append([]string{}, req.GetEnv()...), opts.sdkEnv()...)

	var proxy *sdk.PolicyProxy
	if analyzer {
		proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout)
		if err != nil {
			return fmt.Errorf("could not start the policy pack proxy: %w", err)
		}
		stack, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get the stack's configuration for the policy pack: %w", err)
		}
		if stack != nil {
			env = append(env, policyPackEnv(stack)...)
		}
	}

	cmd := exec.CommandContext(ctx, nodeBin, args...)
	cmd.Dir = dir
	if len(env) > 0 {
		cmd.Env = env
	} else {
		cmd.Env = os.Environ()
	}
	cmd.Stdout, cmd.Stderr = stdout, stderr

	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not run node: %w", err)
	}
	if proxy != nil {
		if err := proxy.Attach(ctx, cmd); err != nil {
			return fmt.Errorf("could not attach the policy pack: %w", err)
		}
		// The proxy now owns the process (it waits for it); the pack serves until the engine hangs up.
		<-ctx.Done()
	} else if err := cmd.Wait(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return fmt.Errorf("plugin exited with non-zero exit code: %d", exitErr.ExitCode())
		}
		return err
	}
	return closer.Close()
}

// pluginCommand is node's arguments and working folder for a plugin: a policy pack (kind "analyzer")
// gets the engine's arguments first and its own folder last, and runs in that folder, as policy packs
// always have; any other plugin gets its folder first, then the arguments, and runs in the engine's pwd.
func pluginCommand(req *pulumirpc.RunPluginRequest, opts runtimeOptions, runPath string) (args []string, dir string) {
	programDir := req.GetInfo().GetProgramDirectory()
	args = append(append([]string{}, opts.nodeargs...), runPath)
	if req.GetKind() == "analyzer" {
		return append(append(args, req.GetArgs()...), programDir), programDir
	}
	return append(append(args, programDir), req.GetArgs()...), req.GetPwd()
}

// policyPackEnv hands the stack's identity and config to a policy pack, as the SDK's policy pack entry
// point reads them; empty values are left out.
func policyPackEnv(stack *pulumirpc.AnalyzerStackConfigureRequest) []string {
	var env []string
	add := func(k, v string) {
		if v != "" {
			env = append(env, k+"="+v)
		}
	}
	add("PULUMI_NODEJS_ORGANIZATION", stack.GetOrganization())
	add("PULUMI_NODEJS_PROJECT", stack.GetProject())
	add("PULUMI_NODEJS_STACK", stack.GetStack())
	add("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(stack.GetDryRun()))
	if stack.GetConfig() != nil {
		if b, err := json.Marshal(stack.GetConfig()); err == nil {
			add("PULUMI_CONFIG", string(b))
		}
	}
	return env
}
