package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// packageJSON is what this host reads of a package.json.
type packageJSON struct {
	Name         string            `json:"name"`
	Version      string            `json:"version"`
	Dependencies map[string]string `json:"dependencies"`
	Pulumi       struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
	} `json:"pulumi"`
}

func readPackageJSON(path string) (packageJSON, bool) {
	var pkg packageJSON
	b, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(b, &pkg) != nil {
		return pkg, false
	}
	return pkg, true
}

// pluginDependency is the resource plugin an installed package declares ("pulumi": {"resource": true}),
// named and versioned as Pulumi's own Node.js host does: "pulumi.name", else the package's name without
// its "@pulumi/" scope (another scope keeps its name, less the "@"); "pulumi.version", else the
// package's version, with a "v" in front.
func pluginDependency(pkg packageJSON) (*pulumirpc.PluginDependency, bool) {
	if !pkg.Pulumi.Resource {
		return nil, false
	}
	name := pkg.Pulumi.Name
	if name == "" {
		name = strings.TrimPrefix(strings.TrimPrefix(pkg.Name, "@pulumi/"), "@")
	}
	v := pkg.Pulumi.Version
	if v == "" {
		v = pkg.Version
	}
	if v != "" && !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	return &pulumirpc.PluginDependency{Name: name, Kind: "resource", Version: v}, true
}

// resourcePlugins reads node_modules of dir and its parents (where node would find packages); a
// package in a nearer node_modules hides one of the same name further up, as it does for node.
func resourcePlugins(dir string) []*pulumirpc.PluginDependency {
	var found []*pulumirpc.PluginDependency
	seen := map[string]bool{}
	for d := dir; d != ""; {
		modules := filepath.Join(d, "node_modules")
		entries, _ := os.ReadDir(modules)
		for _, e := range entries {
			names := []string{e.Name()}
			if strings.HasPrefix(e.Name(), "@") {
				names = nil
				scoped, _ := os.ReadDir(filepath.Join(modules, e.Name()))
				for _, s := range scoped {
					names = append(names, filepath.Join(e.Name(), s.Name()))
				}
			}
			for _, name := range names {
				if seen[name] {
					continue
				}
				seen[name] = true
				pkg, ok := readPackageJSON(filepath.Join(modules, name, "package.json"))
				if !ok {
					continue
				}
				if dep, ok := pluginDependency(pkg); ok {
					found = append(found, dep)
				}
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	return found
}

// programDependencies are the direct dependencies of the program's package.json, sorted by name, each
// with the version installed in its node_modules (the version range when it is not installed).
func programDependencies(dir string) []*pulumirpc.DependencyInfo {
	pkg, ok := readPackageJSON(filepath.Join(dir, "package.json"))
	if !ok {
		return nil
	}
	names := make([]string, 0, len(pkg.Dependencies))
	for name := range pkg.Dependencies {
		names = append(names, name)
	}
	sort.Strings(names)
	var deps []*pulumirpc.DependencyInfo
	for _, name := range names {
		v := pkg.Dependencies[name]
		if installed, ok := readPackageJSON(filepath.Join(dir, "node_modules", name, "package.json")); ok {
			v = installed.Version
		}
		deps = append(deps, &pulumirpc.DependencyInfo{Name: name, Version: v})
	}
	return deps
}
