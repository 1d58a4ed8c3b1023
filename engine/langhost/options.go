package main

import (
	"fmt"
	"os/exec"
	"strings"

	"github.com/google/shlex"
	"google.golang.org/protobuf/types/known/structpb"
)

// runtimeOptions are the `runtime.options` of Pulumi.yaml (or PulumiPolicy.yaml) that this host honours.
type runtimeOptions struct {
	// typescript runs the program through ts-node. @default true
	typescript bool
	// tsconfig is the tsconfig file ts-node reads, relative to the program folder. @default "tsconfig.json"
	tsconfig string
	// nodeargs are extra arguments for node, split like a shell would.
	nodeargs []string
	// packagemanager installs dependencies: npm, yarn or pnpm. @default "npm"
	packagemanager string
}

func parseRuntimeOptions(raw *structpb.Struct) (runtimeOptions, error) {
	opts := runtimeOptions{typescript: true, packagemanager: "npm"}
	values := raw.AsMap()
	if v, ok := values["typescript"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return opts, fmt.Errorf("runtime option 'typescript' must be true or false, got %v", v)
		}
		opts.typescript = b
	}
	if v, ok := values["tsconfig"]; ok {
		s, isString := v.(string)
		if !isString {
			return opts, fmt.Errorf("runtime option 'tsconfig' must be a path, got %v", v)
		}
		opts.tsconfig = s
	}
	if v, ok := values["nodeargs"]; ok {
		s, isString := v.(string)
		if !isString {
			return opts, fmt.Errorf("runtime option 'nodeargs' must be a string, got %v", v)
		}
		args, err := shlex.Split(s)
		if err != nil {
			return opts, fmt.Errorf("runtime option 'nodeargs': %w", err)
		}
		opts.nodeargs = args
	}
	if v, ok := values["packagemanager"]; ok {
		s, isString := v.(string)
		if !isString || (s != "npm" && s != "yarn" && s != "pnpm") {
			return opts, fmt.Errorf("runtime option 'packagemanager' must be npm, yarn or pnpm, got %v", v)
		}
		opts.packagemanager = s
	}
	return opts, nil
}

// sdkEnv is what the SDK's entry points read about TypeScript.
func (o runtimeOptions) sdkEnv() []string {
	var env []string
	if o.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfig)
	}
	return env
}

// resolveSDKModule finds one of the Node.js SDK's modules the way node itself would from dir, so the
// program runs with the SDK it installed (never one bundled with the CLI).
func resolveSDKModule(nodeBin, dir, module string) (string, error) {
	cmd := exec.Command(nodeBin, "-e", "process.stdout.write(require.resolve(process.argv[1]))", module)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("could not find %s from %s: is the Pulumi SDK (@pulumi/pulumi) installed there? "+
			"Run npm install in that folder", module, dir)
	}
	return strings.TrimSpace(string(out)), nil
}
