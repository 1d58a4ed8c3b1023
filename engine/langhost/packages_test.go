package main

import (
	"os"
	"path/filepath"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func TestPluginDependency(t *testing.T) {
	pkg := func(name, version string, resource bool, pluginName, pluginVersion string) packageJSON {
		var p packageJSON
		p.Name, p.Version = name, version
		p.Pulumi.Resource, p.Pulumi.Name, p.Pulumi.Version = resource, pluginName, pluginVersion
		return p
	}
	tests := []struct {
		name string
		pkg  packageJSON
		want string // "name version", or "" for no plugin
	}{
		{name: "a package that declares no plugin", pkg: pkg("axios", "1.7.0", false, "", ""), want: ""},
		{name: "@pulumi scope dropped, v added", pkg: pkg("@pulumi/azure-native", "2.90.0", true, "", ""), want: "azure-native v2.90.0"},
		{name: "another scope keeps its name, less the @", pkg: pkg("@acme/defender", "0.3.1", true, "", ""), want: "acme/defender v0.3.1"},
		{name: "an unscoped package", pkg: pkg("defender", "1.0.0", true, "", ""), want: "defender v1.0.0"},
		{name: "pulumi.name and pulumi.version win", pkg: pkg("@acme/pulumi-defender", "0.3.1", true, "defender", "2.0.0"), want: "defender v2.0.0"},
		{name: "a version that has its v already", pkg: pkg("@pulumi/random", "v4.16.0", true, "", ""), want: "random v4.16.0"},
		{name: "no version at all", pkg: pkg("@pulumi/random", "", true, "", ""), want: "random "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dep, ok := pluginDependency(tt.pkg)
			got := ""
			if ok {
				if dep.Kind != "resource" {
					t.Errorf("kind %q, want resource", dep.Kind)
				}
				got = dep.Name + " " + dep.Version
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// writeFiles creates files (path relative to root → content) and returns root.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func names(deps []*pulumirpc.PluginDependency) map[string]string {
	m := map[string]string{}
	for _, d := range deps {
		m[d.Name] = d.Version
	}
	return m
}

func TestResourcePlugins(t *testing.T) {
	const provider = `{"name": "@pulumi/random", "version": "4.16.0", "pulumi": {"resource": true}}`
	tests := []struct {
		name  string
		files map[string]string
		// dir is the program folder, relative to the tree's root.
		dir  string
		want map[string]string
	}{
		{
			name: "a dynamic provider's program needs no plugin",
			files: map[string]string{
				"app/node_modules/@pulumi/pulumi/package.json": `{"name": "@pulumi/pulumi", "version": "3.276.0"}`,
				"app/node_modules/axios/package.json":          `{"name": "axios", "version": "1.7.0"}`,
			},
			dir:  "app",
			want: map[string]string{},
		},
		{
			name: "scoped and unscoped packages",
			files: map[string]string{
				"app/node_modules/@pulumi/random/package.json": provider,
				"app/node_modules/defender/package.json":       `{"name": "defender", "version": "1.0.0", "pulumi": {"resource": true}}`,
			},
			dir:  "app",
			want: map[string]string{"random": "v4.16.0", "defender": "v1.0.0"},
		},
		{
			name:  "found in a parent's node_modules, as node finds it",
			files: map[string]string{"node_modules/@pulumi/random/package.json": provider, "app/Pulumi.yaml": "name: app"},
			dir:   "app",
			want:  map[string]string{"random": "v4.16.0"},
		},
		{
			name: "the nearer copy hides the one further up",
			files: map[string]string{
				"node_modules/@pulumi/random/package.json":     `{"name": "@pulumi/random", "version": "4.0.0", "pulumi": {"resource": true}}`,
				"app/node_modules/@pulumi/random/package.json": provider,
			},
			dir:  "app",
			want: map[string]string{"random": "v4.16.0"},
		},
		{
			name: "broken and missing package.json files are skipped",
			files: map[string]string{
				"app/node_modules/broken/package.json":         `{"name": `,
				"app/node_modules/no-manifest/index.js":        "module.exports = 1",
				"app/node_modules/.bin/tsc":                    "#!/bin/sh",
				"app/node_modules/@pulumi/random/package.json": provider,
			},
			dir:  "app",
			want: map[string]string{"random": "v4.16.0"},
		},
		{name: "no node_modules anywhere", files: map[string]string{"app/Pulumi.yaml": "name: app"}, dir: "app", want: map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := writeFiles(t, tt.files)
			got := names(resourcePlugins(filepath.Join(root, tt.dir)))
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for name, v := range tt.want {
				if gv, ok := got[name]; !ok || gv != v {
					t.Errorf("plugin %s: got %q (found %v), want %q", name, gv, ok, v)
				}
			}
		})
	}
}

func TestResourcePluginsListsEachOnce(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"node_modules/@pulumi/random/package.json":     `{"name": "@pulumi/random", "version": "4.0.0", "pulumi": {"resource": true}}`,
		"app/node_modules/@pulumi/random/package.json": `{"name": "@pulumi/random", "version": "4.16.0", "pulumi": {"resource": true}}`,
	})
	if got := resourcePlugins(filepath.Join(root, "app")); len(got) != 1 {
		t.Errorf("got %d dependencies (%v), want the nearer one only", len(got), got)
	}
}

func TestProgramDependencies(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // "name version", in order
	}{
		{
			name: "installed versions, sorted by name",
			files: map[string]string{
				"package.json": `{"dependencies": {"yaml": "^2.9.1", "@pulumi/pulumi": "^3.270.0"}}`,
				"node_modules/@pulumi/pulumi/package.json": `{"name": "@pulumi/pulumi", "version": "3.276.0"}`,
				"node_modules/yaml/package.json":           `{"name": "yaml", "version": "2.9.1"}`,
			},
			want: []string{"@pulumi/pulumi 3.276.0", "yaml 2.9.1"},
		},
		{
			name:  "the range when nothing is installed",
			files: map[string]string{"package.json": `{"dependencies": {"@pulumi/pulumi": "^3.270.0"}}`},
			want:  []string{"@pulumi/pulumi ^3.270.0"},
		},
		{name: "no package.json", files: map[string]string{"index.js": ""}, want: nil},
		{name: "an unreadable package.json", files: map[string]string{"package.json": "{"}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, d := range programDependencies(writeFiles(t, tt.files)) {
				got = append(got, d.Name+" "+d.Version)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("[%d] got %q, want %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}
