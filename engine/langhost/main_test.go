package main

import (
	"strings"
	"testing"
)

func TestParseCommandLine(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    commandLine
		wantErr string
	}{
		{name: "nothing", args: nil, want: commandLine{}},
		{name: "the engine's address alone", args: []string{"127.0.0.1:4321"}, want: commandLine{engineAddress: "127.0.0.1:4321"}},
		{
			name: "logging flags as the engine passes them with --logflow",
			args: []string{"--logtostderr", "-v=9", "127.0.0.1:4321"},
			want: commandLine{engineAddress: "127.0.0.1:4321"},
		},
		{
			name: "tracing is kept for the SDK",
			args: []string{"--tracing", "http://127.0.0.1:9411/api/v1/spans", "127.0.0.1:4321"},
			want: commandLine{engineAddress: "127.0.0.1:4321", tracing: "http://127.0.0.1:9411/api/v1/spans"},
		},
		{
			name: "older engines' root and typescript flags are accepted",
			args: []string{"-root=/work/app", "-typescript=false", "127.0.0.1:4321"},
			want: commandLine{engineAddress: "127.0.0.1:4321"},
		},
		{name: "the address is the last positional argument", args: []string{"extra", "127.0.0.1:1"}, want: commandLine{engineAddress: "127.0.0.1:1"}},
		{name: "an unknown flag is refused", args: []string{"--no-such-flag", "127.0.0.1:1"}, wantErr: "no-such-flag"},
		{name: "a flag without its value is refused", args: []string{"--tracing"}, wantErr: "tracing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseCommandLine(tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseCommandLine(%q) error = %v, want one naming %q", tt.args, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseCommandLine(%q): %v", tt.args, err)
			}
			if got != tt.want {
				t.Errorf("parseCommandLine(%q) = %+v, want %+v", tt.args, got, tt.want)
			}
		})
	}
}
