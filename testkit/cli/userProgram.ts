/**
 * A user's program outside this repository: a copy of examples/minimal with this package installed
 * from the tarball `npm pack` makes (as a release is installed), run as TypeScript by the language host.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "./engine";

/** `npm pack` of this repository into dir (its `prepare` builds dist/provider); the tarball's path. */
export function packThisPackage(dir: string): string {
    const out = execFileSync("npm", ["pack", "--pack-destination", dir, "--json"], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 180_000,
    });
    const [{ filename }] = JSON.parse(out) as { filename: string }[];
    return path.join(dir, filename);
}

/** Copies examples/minimal to dir, depending on the package by `spec` (a tarball path or a Git URL), and installs it. */
export function installMinimalProgram(dir: string, spec: string): void {
    fs.mkdirSync(dir, { recursive: true });
    for (const f of ["index.ts", "Pulumi.yaml", "package.json", "tsconfig.json"]) {
        fs.copyFileSync(path.join(REPO_ROOT, "examples", "minimal", f), path.join(dir, f));
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    manifest.dependencies["pulumi-defender-isolation"] = spec;
    fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"], timeout: 600_000 });
}

let shared: string | undefined;

/**
 * One installed copy of examples/minimal (from this package's tarball) for every suite of this test
 * process: each suite uses its own stack and backend in it. Removed when the process exits.
 */
export function sharedMinimalProgram(): string {
    if (shared) return shared;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-program-"));
    process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    installMinimalProgram(path.join(dir, "program"), `file:${packThisPackage(dir)}`);
    shared = path.join(dir, "program");
    return shared;
}

/**
 * A JavaScript project named `project` in folder `name` beside the shared program, using its
 * node_modules (this package from the tarball), with `index.js` as given. Made once per process.
 */
export function programBesideShared(name: string, project: string, indexJs: readonly string[]): string {
    const program = sharedMinimalProgram();
    const dir = path.join(path.dirname(program), name);
    if (fs.existsSync(dir)) return dir;
    fs.mkdirSync(dir);
    fs.symlinkSync(path.join(program, "node_modules"), path.join(dir, "node_modules"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${project}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n`);
    fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name: project, private: true, main: "index.js" })}\n`);
    fs.writeFileSync(path.join(dir, "index.js"), [...indexJs, ""].join("\n"));
    return dir;
}

/** One DeviceIsolation per machine id in the `devices` config (a JSON list): for suites that need many devices at once. */
export function sharedFleetProgram(): string {
    return programBesideShared("fleet", "defender-isolation-fleet", [
        'const pulumi = require("@pulumi/pulumi");',
        'const { DeviceIsolation } = require("pulumi-defender-isolation");',
        "const config = new pulumi.Config();",
        'for (const id of config.requireObject("devices")) {',
        '    new DeviceIsolation(`isolate-${id.slice(0, 8)}`, { machineId: id, comment: "INC-4242 worm outbreak" });',
        "}",
    ]);
}
