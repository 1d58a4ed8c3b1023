package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
)

// languageHost implements pulumirpc.LanguageRuntime for Node.js programs.
type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	tracing       string
}

func (h *languageHost) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

// Handshake is how a recent engine hands over its address (older ones pass it as the last argument).
func (h *languageHost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// GetRequiredPackages lists the resource plugins the program's installed packages declare
// (package.json "pulumi": {"resource": true}). A dynamic provider needs none: the engine's
// bundled pulumi-nodejs plugin serves it.
func (h *languageHost) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	var packages []*pulumirpc.PackageDependency
	for _, p := range resourcePlugins(req.GetInfo().GetProgramDirectory()) {
		packages = append(packages, &pulumirpc.PackageDependency{Name: p.Name, Kind: "resource", Version: p.Version})
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packages}, nil
}

func (h *languageHost) GetRequiredPlugins(
	_ context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: resourcePlugins(req.GetInfo().GetProgramDirectory())}, nil
}

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

// resourcePlugins reads node_modules of dir and its parents (where node would find packages).
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
				if !ok || !pkg.Pulumi.Resource {
					continue
				}
				pluginName := pkg.Pulumi.Name
				if pluginName == "" {
					pluginName = strings.TrimPrefix(strings.TrimPrefix(pkg.Name, "@pulumi/"), "@")
				}
				v := pkg.Pulumi.Version
				if v == "" {
					v = pkg.Version
				}
				if v != "" && !strings.HasPrefix(v, "v") {
					v = "v" + v
				}
				found = append(found, &pulumirpc.PluginDependency{Name: pluginName, Kind: "resource", Version: v})
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

func readPackageJSON(path string) (packageJSON, bool) {
	var pkg packageJSON
	b, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(b, &pkg) != nil {
		return pkg, false
	}
	return pkg, true
}

func (h *languageHost) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(nodeBin, "--version").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: nodeBin, Version: strings.TrimSpace(string(out))}, nil
}

// GetProgramDependencies lists the program's direct dependencies with their installed versions.
func (h *languageHost) GetProgramDependencies(
	_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	pkg, ok := readPackageJSON(filepath.Join(dir, "package.json"))
	if !ok {
		return &pulumirpc.GetProgramDependenciesResponse{}, nil
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
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

func (h *languageHost) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}
