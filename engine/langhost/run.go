package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// exitAfterUserMessage is the SDK's exit code for "the user has already been shown the error":
// the engine then stops without adding a message of its own.
const exitAfterUserMessage = 32

// Run runs the program with the SDK's run entry point, which connects to the engine's resource
// monitor itself. The program's output goes to this host's stdout and stderr, which the engine shows.
func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	if info == nil {
		return nil, errors.New("the engine sent no program info: this language host needs Pulumi CLI 3.100 or newer")
	}
	opts, err := parseRuntimeOptions(info.GetOptions())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the PATH"}, nil
	}
	runPath, err := resolveSDKModule(nodeBin, info.GetProgramDirectory(), "@pulumi/pulumi/cmd/run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	env, err := programEnv(req)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	args := append([]string{}, opts.nodeargs...)
	args = append(args, runPath)
	args = append(args, h.runArguments(req)...)

	cmd := exec.CommandContext(ctx, nodeBin, args...)
	cmd.Dir = info.GetProgramDirectory()
	cmd.Env = append(append(os.Environ(), env...), opts.sdkEnv()...)
	// Wrapped, so exec copies through a pipe: node may set its stdio non-blocking, which would
	// break a file descriptor shared with this process.
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}

	return runResponse(cmd.Run()), nil
}

// runResponse is what the engine is told of the program's end: nothing when it succeeded, Bail when
// the SDK has already shown the error, else the exit code or why node did not run.
func runResponse(err error) *pulumirpc.RunResponse {
	if err == nil {
		return &pulumirpc.RunResponse{}
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		if exitErr.ExitCode() == exitAfterUserMessage {
			return &pulumirpc.RunResponse{Bail: true}
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode())}
	}
	return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run node: %v", err)}
}

// runArguments are the flags of @pulumi/pulumi/cmd/run, then the entry point and the program's arguments.
func (h *languageHost) runArguments(req *pulumirpc.RunRequest) []string {
	var args []string
	add := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	info := req.GetInfo()
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engine())
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("root-directory", info.GetRootDirectory())
	add("stack", req.GetStack())
	add("pwd", info.GetProgramDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetQueryMode() {
		add("query-mode", "true")
	}
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("tracing", h.tracing)
	entry := info.GetEntryPoint()
	if entry == "" {
		entry = "."
	}
	args = append(args, entry)
	return append(args, req.GetArgs()...)
}

// programEnv carries the stack's config to the SDK: PULUMI_CONFIG (keys as "<namespace>:config:<name>",
// which every SDK version reads) and PULUMI_CONFIG_SECRET_KEYS.
func programEnv(req *pulumirpc.RunRequest) ([]string, error) {
	values := make(map[string]string, len(req.GetConfig()))
	for k, v := range req.GetConfig() {
		key, err := config.ParseKey(k)
		if err != nil {
			return nil, fmt.Errorf("config key %q: %w", k, err)
		}
		values[key.Namespace()+":config:"+key.Name()] = v
	}
	cfg, err := json.Marshal(values)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	keys, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	return []string{"PULUMI_CONFIG=" + string(cfg), "PULUMI_CONFIG_SECRET_KEYS=" + string(keys)}, nil
}
