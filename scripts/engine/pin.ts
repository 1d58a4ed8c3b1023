/**
 * The Pulumi release this project builds and tests against, and the oldest CLI it accepts.
 *
 * The pin lives in one place, engine/go.mod (the require lines of pulumi's pkg and sdk modules), so
 * what `npm run pulumi:install` builds and what Go's checksums (engine/go.sum) verify cannot disagree.
 */
import * as fs from "fs";
import * as path from "path";

/**
 * The oldest Pulumi CLI this package runs under. Older engines do not hand the stack's config to a
 * dynamic provider (its `configure` then never sees `defender:*`), so an older CLI is refused up front
 * rather than run with settings that silently did not arrive.
 */
export const MINIMUM_CLI_VERSION = "3.142.0";

/** The repository root (this file is compiled to dist/scripts/engine/). */
export function repoRootFromHere(): string {
    return path.resolve(__dirname, "..", "..", "..");
}

/** The pinned release, e.g. "v3.276.0", read from engine/go.mod. */
export function pinnedVersion(repoRoot: string): string {
    const goMod = fs.readFileSync(path.join(repoRoot, "engine", "go.mod"), "utf8");
    const pkg = /^\s*github\.com\/pulumi\/pulumi\/pkg\/v3\s+(v\d+\.\d+\.\d+)\s*$/m.exec(goMod)?.[1];
    const sdk = /^\s*github\.com\/pulumi\/pulumi\/sdk\/v3\s+(v\d+\.\d+\.\d+)\s*$/m.exec(goMod)?.[1];
    if (!pkg || !sdk) throw new Error("engine/go.mod does not require github.com/pulumi/pulumi/pkg/v3 and sdk/v3 at a release version");
    if (pkg !== sdk) throw new Error(`engine/go.mod pins pkg/v3 ${pkg} but sdk/v3 ${sdk}: they must be the same release`);
    return pkg;
}

/** A required module's version in a go.mod, direct (`require x v` or in a block) or `// indirect`. */
function requiredVersion(goMod: string, modulePath: string): string | undefined {
    const escaped = modulePath.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    return new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\d+\\.\\d+\\.\\d+)\\s*(?://\\s*indirect\\s*)?$`, "m").exec(goMod)?.[1];
}

/**
 * The Pulumi YAML release whose language host `npm run pulumi:install` builds, e.g. "v1.38.1", read from
 * engine/yaml/go.mod, a module of its own (its dependencies would move the engine's). It must build on
 * the engine's release: its pkg/v3 and sdk/v3 must be the ones engine/go.mod pins.
 */
export function pinnedYamlVersion(repoRoot: string): string {
    const goMod = fs.readFileSync(path.join(repoRoot, "engine", "yaml", "go.mod"), "utf8");
    const yaml = requiredVersion(goMod, "github.com/pulumi/pulumi-yaml");
    if (!yaml) throw new Error("engine/yaml/go.mod does not require github.com/pulumi/pulumi-yaml at a release version");
    const engine = pinnedVersion(repoRoot);
    for (const m of ["github.com/pulumi/pulumi/pkg/v3", "github.com/pulumi/pulumi/sdk/v3"]) {
        const v = requiredVersion(goMod, m);
        if (v !== engine) {
            throw new Error(`engine/yaml/go.mod has ${m} at ${v ?? "no version"}, and the engine is ${engine}: run \`go get ${m}@${engine}\` in engine/yaml`);
        }
    }
    return yaml;
}

/** Where `npm run pulumi:install` puts the CLI, the language hosts and the dynamic-provider plugin. */
export function builtCliDir(repoRoot: string, version = pinnedVersion(repoRoot)): string {
    return path.join(repoRoot, ".state", "pulumi", version, "bin");
}

/** Parses "v3.276.0" or "3.276.0-alpha.x" into numbers; undefined when it is no version. */
export function parseVersion(text: string): [number, number, number] | undefined {
    const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export function compareVersions(a: [number, number, number], b: [number, number, number]): number {
    return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}
