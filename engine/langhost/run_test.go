package main

import (
	"encoding/json"
	"errors"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func TestRunArguments(t *testing.T) {
	info := &pulumirpc.ProgramInfo{RootDirectory: "/work/app", ProgramDirectory: "/work/app/src", EntryPoint: "index.ts"}
	tests := []struct {
		name    string
		host    *languageHost
		req     *pulumirpc.RunRequest
		want    []string
		missing []string
	}{
		{
			name: "an update",
			host: &languageHost{engineAddress: "127.0.0.1:1000"},
			req: &pulumirpc.RunRequest{
				MonitorAddress: "127.0.0.1:2000", Organization: "organization", Project: "incidents", Stack: "dev",
				Parallel: 16, Info: info,
			},
			want: []string{
				"--monitor", "127.0.0.1:2000", "--engine", "127.0.0.1:1000", "--organization", "organization",
				"--project", "incidents", "--root-directory", "/work/app", "--stack", "dev", "--pwd", "/work/app/src",
				"--parallel", "16", "index.ts",
			},
		},
		{
			name: "a preview, with tracing and the program's own arguments last",
			host: &languageHost{engineAddress: "127.0.0.1:1000", tracing: "http://127.0.0.1:9411"},
			req: &pulumirpc.RunRequest{
				MonitorAddress: "127.0.0.1:2000", Project: "incidents", Stack: "dev", DryRun: true, Info: info,
				Args: []string{"--verbose"},
			},
			want: []string{
				"--monitor", "127.0.0.1:2000", "--engine", "127.0.0.1:1000", "--project", "incidents",
				"--root-directory", "/work/app", "--stack", "dev", "--pwd", "/work/app/src", "--dry-run",
				"--parallel", "0", "--tracing", "http://127.0.0.1:9411", "index.ts", "--verbose",
			},
		},
		{
			name: "query mode; no entry point means the folder's package.json main",
			host: &languageHost{},
			req:  &pulumirpc.RunRequest{QueryMode: true, Info: &pulumirpc.ProgramInfo{ProgramDirectory: "/work/app"}},
			want: []string{"--pwd", "/work/app", "--query-mode", "true", "--parallel", "0", "."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.host.runArguments(tt.req); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("runArguments()\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestRunArgumentsTakesTheAddressFromHandshake(t *testing.T) {
	h := &languageHost{engineAddress: "127.0.0.1:1"}
	if _, err := h.Handshake(t.Context(), &pulumirpc.LanguageHandshakeRequest{EngineAddress: "127.0.0.1:2"}); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(h.runArguments(&pulumirpc.RunRequest{Info: &pulumirpc.ProgramInfo{}}), " ")
	if !strings.Contains(got, "--engine 127.0.0.1:2") {
		t.Errorf("runArguments() = %q, want the address from the handshake", got)
	}
}

func TestProgramEnv(t *testing.T) {
	tests := []struct {
		name       string
		req        *pulumirpc.RunRequest
		wantConfig map[string]string
		wantSecret []string
		wantErr    string
	}{
		{
			name: "keys in the form every SDK version reads, secret keys as sent",
			req: &pulumirpc.RunRequest{
				Config:           map[string]string{"defender:clientSecret": "s3cret", "incidents:dir": "incidents", "defender:config:tenantId": "t"},
				ConfigSecretKeys: []string{"defender:clientSecret"},
			},
			wantConfig: map[string]string{"defender:config:clientSecret": "s3cret", "incidents:config:dir": "incidents", "defender:config:tenantId": "t"},
			wantSecret: []string{"defender:clientSecret"},
		},
		{name: "no config: an empty object and an empty list, never null", req: &pulumirpc.RunRequest{}, wantConfig: map[string]string{}, wantSecret: []string{}},
		{name: "a key without a namespace", req: &pulumirpc.RunRequest{Config: map[string]string{"tenantId": "t"}}, wantErr: `config key "tenantId"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := programEnv(tt.req)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(env) != 2 || !strings.HasPrefix(env[0], "PULUMI_CONFIG=") || !strings.HasPrefix(env[1], "PULUMI_CONFIG_SECRET_KEYS=") {
				t.Fatalf("env = %q, want PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS", env)
			}
			var cfg map[string]string
			var secret []string
			if err := json.Unmarshal([]byte(strings.TrimPrefix(env[0], "PULUMI_CONFIG=")), &cfg); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(strings.TrimPrefix(env[1], "PULUMI_CONFIG_SECRET_KEYS=")), &secret); err != nil || secret == nil {
				t.Fatalf("secret keys %q: %v", env[1], err)
			}
			if !reflect.DeepEqual(cfg, tt.wantConfig) {
				t.Errorf("config = %v, want %v", cfg, tt.wantConfig)
			}
			if !reflect.DeepEqual(secret, tt.wantSecret) {
				t.Errorf("secret keys = %q, want %q", secret, tt.wantSecret)
			}
		})
	}
}

// exitWith is the error exec reports for a process that exits with code.
func exitWith(t *testing.T, code string) error {
	t.Helper()
	err := exec.Command("sh", "-c", "exit "+code).Run()
	if err == nil {
		t.Fatalf("sh -c 'exit %s' succeeded", code)
	}
	return err
}

func TestRunResponse(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want *pulumirpc.RunResponse
	}{
		{name: "the program succeeded", err: nil, want: &pulumirpc.RunResponse{}},
		{name: "the SDK has shown the error already: bail", err: exitWith(t, "32"), want: &pulumirpc.RunResponse{Bail: true}},
		{name: "any other exit code is named", err: exitWith(t, "3"), want: &pulumirpc.RunResponse{Error: "Program exited with non-zero exit code: 3"}},
		{
			name: "node did not start",
			err:  errors.New(`exec: "node": executable file not found in $PATH`),
			want: &pulumirpc.RunResponse{Error: `could not run node: exec: "node": executable file not found in $PATH`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runResponse(tt.err)
			if got.GetBail() != tt.want.GetBail() || got.GetError() != tt.want.GetError() {
				t.Errorf("runResponse(%v) = {Bail: %v, Error: %q}, want {Bail: %v, Error: %q}",
					tt.err, got.GetBail(), got.GetError(), tt.want.GetBail(), tt.want.GetError())
			}
		})
	}
}
