package main

import (
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/structpb"
)

func TestParseRuntimeOptions(t *testing.T) {
	defaults := runtimeOptions{typescript: true, packagemanager: "npm"}
	tests := []struct {
		name    string
		raw     map[string]any
		want    runtimeOptions
		wantErr string
	}{
		{name: "none: TypeScript through ts-node, npm", raw: nil, want: defaults},
		{name: "plain JavaScript", raw: map[string]any{"typescript": false}, want: runtimeOptions{typescript: false, packagemanager: "npm"}},
		{
			name: "a tsconfig of its own",
			raw:  map[string]any{"tsconfig": "tsconfig.build.json"},
			want: runtimeOptions{typescript: true, tsconfig: "tsconfig.build.json", packagemanager: "npm"},
		},
		{
			name: "nodeargs split as a shell would",
			raw:  map[string]any{"nodeargs": `--max-old-space-size=4096 --require "./my hooks.js"`},
			want: runtimeOptions{typescript: true, nodeargs: []string{"--max-old-space-size=4096", "--require", "./my hooks.js"}, packagemanager: "npm"},
		},
		{name: "yarn", raw: map[string]any{"packagemanager": "yarn"}, want: runtimeOptions{typescript: true, packagemanager: "yarn"}},
		{name: "pnpm", raw: map[string]any{"packagemanager": "pnpm"}, want: runtimeOptions{typescript: true, packagemanager: "pnpm"}},
		{name: "an option this host does not know is ignored", raw: map[string]any{"binary": "dist/index.js"}, want: defaults},
		{name: "typescript as a string", raw: map[string]any{"typescript": "false"}, wantErr: "'typescript' must be true or false"},
		{name: "tsconfig as a number", raw: map[string]any{"tsconfig": 1}, wantErr: "'tsconfig' must be a path"},
		{name: "nodeargs as a list", raw: map[string]any{"nodeargs": []any{"--inspect"}}, wantErr: "'nodeargs' must be a string"},
		{name: "nodeargs with an open quote", raw: map[string]any{"nodeargs": `--require "./hooks.js`}, wantErr: "runtime option 'nodeargs'"},
		{name: "bun is no package manager here", raw: map[string]any{"packagemanager": "bun"}, wantErr: "must be npm, yarn or pnpm, got bun"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := structpb.NewStruct(tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseRuntimeOptions(raw)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseRuntimeOptionsWithoutAny(t *testing.T) {
	// The engine sends no options at all for a Pulumi.yaml with `runtime: nodejs` alone.
	got, err := parseRuntimeOptions(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !got.typescript || got.packagemanager != "npm" {
		t.Errorf("got %+v, want TypeScript and npm", got)
	}
}

func TestSDKEnv(t *testing.T) {
	tests := []struct {
		name string
		opts runtimeOptions
		want []string
	}{
		{name: "TypeScript", opts: runtimeOptions{typescript: true}, want: []string{"PULUMI_NODEJS_TYPESCRIPT=true"}},
		{name: "JavaScript sets nothing", opts: runtimeOptions{typescript: false}, want: nil},
		{
			name: "TypeScript with a tsconfig",
			opts: runtimeOptions{typescript: true, tsconfig: "tsconfig.build.json"},
			want: []string{"PULUMI_NODEJS_TYPESCRIPT=true", "PULUMI_NODEJS_TSCONFIG_PATH=tsconfig.build.json"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.opts.sdkEnv(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("sdkEnv() = %q, want %q", got, tt.want)
			}
		})
	}
}
