package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func TestPluginCommand(t *testing.T) {
	info := &pulumirpc.ProgramInfo{ProgramDirectory: "/work/policy"}
	tests := []struct {
		name     string
		req      *pulumirpc.RunPluginRequest
		opts     runtimeOptions
		wantArgs []string
		wantDir  string
	}{
		{
			name:     "a policy pack: the engine's arguments, then its folder; it runs in its folder",
			req:      &pulumirpc.RunPluginRequest{Kind: "analyzer", Pwd: "/work/app", Args: []string{"127.0.0.1:5000"}, Info: info},
			wantArgs: []string{"run-policy-pack", "127.0.0.1:5000", "/work/policy"},
			wantDir:  "/work/policy",
		},
		{
			name:     "any other plugin: its folder, then the arguments; it runs in the engine's pwd",
			req:      &pulumirpc.RunPluginRequest{Kind: "resource", Pwd: "/work/app", Args: []string{"127.0.0.1:5000"}, Info: info},
			wantArgs: []string{"run-plugin", "/work/policy", "127.0.0.1:5000"},
			wantDir:  "/work/app",
		},
		{
			name:     "node's own arguments come first",
			req:      &pulumirpc.RunPluginRequest{Kind: "analyzer", Info: info},
			opts:     runtimeOptions{nodeargs: []string{"--max-old-space-size=4096"}},
			wantArgs: []string{"--max-old-space-size=4096", "run-policy-pack", "/work/policy"},
			wantDir:  "/work/policy",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runPath := "run-plugin"
			if tt.req.GetKind() == "analyzer" {
				runPath = "run-policy-pack"
			}
			args, dir := pluginCommand(tt.req, tt.opts, runPath)
			if !reflect.DeepEqual(args, tt.wantArgs) || dir != tt.wantDir {
				t.Errorf("pluginCommand() = %q in %q, want %q in %q", args, dir, tt.wantArgs, tt.wantDir)
			}
		})
	}
}

func TestPluginCommandLeavesTheOptionsAlone(t *testing.T) {
	opts := runtimeOptions{nodeargs: make([]string, 1, 8)}
	opts.nodeargs[0] = "--inspect"
	pluginCommand(&pulumirpc.RunPluginRequest{Args: []string{"a"}, Info: &pulumirpc.ProgramInfo{ProgramDirectory: "/p"}}, opts, "run")
	if got := opts.nodeargs[:cap(opts.nodeargs)][1]; got != "" {
		t.Errorf("pluginCommand wrote %q into the options' nodeargs", got)
	}
}

func TestPolicyPackEnv(t *testing.T) {
	config := map[string]string{"defender-guardrails:maxDevices": "5"}
	tests := []struct {
		name  string
		stack *pulumirpc.AnalyzerStackConfigureRequest
		want  map[string]string
	}{
		{
			name:  "identity, dry run and config",
			stack: &pulumirpc.AnalyzerStackConfigureRequest{Organization: "organization", Project: "incidents", Stack: "prod", DryRun: true, Config: config},
			want: map[string]string{
				"PULUMI_NODEJS_ORGANIZATION": "organization", "PULUMI_NODEJS_PROJECT": "incidents", "PULUMI_NODEJS_STACK": "prod",
				"PULUMI_NODEJS_DRY_RUN": "true", "PULUMI_CONFIG": `{"defender-guardrails:maxDevices":"5"}`,
			},
		},
		{
			name:  "empty values are left out; dry run is always said",
			stack: &pulumirpc.AnalyzerStackConfigureRequest{Stack: "prod"},
			want:  map[string]string{"PULUMI_NODEJS_STACK": "prod", "PULUMI_NODEJS_DRY_RUN": "false"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]string{}
			for _, kv := range policyPackEnv(tt.stack) {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					t.Fatalf("%q is no KEY=value", kv)
				}
				if _, dup := got[k]; dup {
					t.Fatalf("%s set twice", k)
				}
				got[k] = v
			}
			if cfg, ok := got["PULUMI_CONFIG"]; ok {
				var m map[string]string
				if err := json.Unmarshal([]byte(cfg), &m); err != nil {
					t.Fatalf("PULUMI_CONFIG %q: %v", cfg, err)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("policyPackEnv() = %v, want %v", got, tt.want)
			}
		})
	}
}
