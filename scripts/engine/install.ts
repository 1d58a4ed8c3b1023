/**
 * `npm run pulumi:install`: builds the real Pulumi engine at the pinned release (engine/go.mod) from
 * Go modules, into `.state/pulumi/<version>/bin/`:
 *
 * - `pulumi`, the CLI and engine (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi);
 * - `pulumi-language-nodejs`, the Node.js language host (engine/langhost, on the same release's SDK);
 * - `pulumi-language-yaml`, Pulumi YAML's language host (github.com/pulumi/pulumi-yaml, pinned in its
 *   own module engine/yaml on the same release);
 * - `pulumi-resource-pulumi-nodejs`, the dynamic-provider plugin (a script shipped in the SDK module).
 *
 * Idempotent: when the four files are there, were built from the same engine/ sources and the CLI
 * answers the pinned version, it says so and stops (seconds). Otherwise it builds into a temporary
 * folder and swaps it in whole, so an interrupted build never leaves a half-built engine behind.
 * Exit codes: 0 ready, 1 the build or its check failed, 2 Go is missing or too old.
 */
import { spawn, spawnSync, execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as readline from "readline";
import { builtCliDir, pinnedVersion, pinnedYamlVersion, repoRootFromHere } from "./pin";

const LANGUAGE_HOST = "pulumi-language-nodejs";
const YAML_LANGUAGE_HOST = "pulumi-language-yaml";
const DYNAMIC_PLUGIN = "pulumi-resource-pulumi-nodejs";
const STAMP = ".build-stamp.json";
/** The Go release engine/go.mod and Pulumi's own modules need. */
const MINIMUM_GO = [1, 26] as const;

export interface InstallResult {
    binDir: string;
    version: string;
    /** False when the engine was already built from these sources. */
    built: boolean;
    seconds: number;
}

export class EngineInstallError extends Error {
    constructor(
        message: string,
        readonly exitCode: 1 | 2,
    ) {
        super(message);
        this.name = "EngineInstallError";
    }
}

export const NO_GO_MESSAGE = [
    "Go 1.26 or newer is needed to build the Pulumi CLI here, and `go` was not found on PATH.",
    "Either install Go (https://go.dev/doc/install) and run `npm run pulumi:install` again,",
    "or install the official Pulumi CLI (https://www.pulumi.com/docs/install/) and put `pulumi` on PATH",
    "(or set PULUMI_CLI to its path).",
].join("\n");

/** Hash of everything the build reads from this repository, so a changed language host or pin is rebuilt. */
function sourceHash(engineDir: string): string {
    const hash = createHash("sha256");
    const files = [
        "go.mod",
        "go.sum",
        "tools.go",
        path.join("yaml", "go.mod"),
        path.join("yaml", "go.sum"),
        path.join("yaml", "tools.go"),
        ...fs
            .readdirSync(path.join(engineDir, "langhost"))
            .filter((f) => f.endsWith(".go") && !f.endsWith("_test.go"))
            .map((f) => path.join("langhost", f)),
    ];
    for (const f of files.sort())
        hash.update(f)
            .update("\0")
            .update(fs.readFileSync(path.join(engineDir, f)))
            .update("\0");
    return hash.digest("hex");
}

function goVersion(): string | undefined {
    const r = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8" });
    return r.status === 0 ? r.stdout.trim() : undefined;
}

function upToDate(binDir: string, version: string, hash: string): boolean {
    try {
        const stamp = JSON.parse(fs.readFileSync(path.join(binDir, STAMP), "utf8")) as { version?: string; sourceHash?: string };
        if (stamp.version !== version || stamp.sourceHash !== hash) return false;
        for (const f of ["pulumi", LANGUAGE_HOST, YAML_LANGUAGE_HOST, DYNAMIC_PLUGIN]) fs.accessSync(path.join(binDir, f), fs.constants.X_OK);
        return (
            execFileSync(path.join(binDir, "pulumi"), ["version"], {
                encoding: "utf8",
                timeout: 30_000,
                env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
            }).trim() === version
        );
    } catch {
        return false;
    }
}

/** Progress of a `go build -v`: Go names each module it downloads and each package it compiles. */
class BuildProgress {
    private downloads = 0;
    private packages = 0;
    private readonly started = Date.now();
    private lastShown = 0;

    constructor(
        private readonly what: string,
        private readonly out: NodeJS.WritableStream,
        private readonly tty: boolean,
    ) {}

    line(text: string): void {
        if (text.startsWith("go: downloading ")) this.downloads++;
        else if (/^[\w.-]+(\/[\w.~+-]+)*$/.test(text)) this.packages++;
        this.show(false);
    }

    show(final: boolean): void {
        const now = Date.now();
        if (!final && now - this.lastShown < (this.tty ? 500 : 15_000)) return;
        this.lastShown = now;
        const s = Math.round((now - this.started) / 1000);
        const text = `  ${this.what}: ${this.downloads} modules downloaded, ${this.packages} packages compiled (${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s)`;
        if (this.tty) this.out.write(`\r${text}${final ? "\n" : ""}`);
        else this.out.write(`${text}\n`);
    }
}

/** `go build` in moduleDir (engine/ or a module of its own under it). */
function goBuild(moduleDir: string, args: string[], what: string, log: NodeJS.WritableStream): Promise<void> {
    return new Promise((resolve, reject) => {
        const tty = Boolean((log as NodeJS.WriteStream).isTTY);
        const progress = new BuildProgress(what, log, tty);
        const child = spawn("go", ["build", "-v", "-trimpath", ...args], { cwd: moduleDir, stdio: ["ignore", "inherit", "pipe"] });
        const errors: string[] = [];
        readline.createInterface({ input: child.stderr }).on("line", (l) => {
            progress.line(l);
            if (!l.startsWith("go: downloading ") && !/^[\w.-]+(\/[\w.~+-]+)*$/.test(l)) errors.push(l);
        });
        child.on("error", (e) => reject(new EngineInstallError(`could not run go: ${e.message}`, 2)));
        child.on("close", (code) => {
            progress.show(true);
            if (code === 0) resolve();
            else reject(new EngineInstallError(`go build of ${what} failed (exit ${code}):\n${errors.slice(-30).join("\n")}`, 1));
        });
    });
}

/** The language host starts, and prints the port it serves on: the check that it runs here. */
function checkLanguageHost(file: string): Promise<void> {
    return new Promise((resolve, reject) => {
        const child = spawn(file, ["127.0.0.1:1"], { stdio: ["ignore", "pipe", "pipe"] });
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new EngineInstallError(`${file} printed no port within 20 s`, 1));
        }, 20_000);
        readline.createInterface({ input: child.stdout }).once("line", (l) => {
            clearTimeout(timer);
            child.kill("SIGKILL");
            if (/^\d+$/.test(l.trim())) resolve();
            else reject(new EngineInstallError(`${file} printed ${JSON.stringify(l)} instead of its port`, 1));
        });
        child.on("error", (e) => {
            clearTimeout(timer);
            reject(new EngineInstallError(`${file} does not run: ${e.message}`, 1));
        });
    });
}

export async function installEngine(o: { repoRoot: string; log?: NodeJS.WritableStream }): Promise<InstallResult> {
    const log = o.log ?? process.stdout;
    const started = Date.now();
    const engineDir = path.join(o.repoRoot, "engine");
    const version = pinnedVersion(o.repoRoot);
    const yamlVersion = pinnedYamlVersion(o.repoRoot);
    const binDir = builtCliDir(o.repoRoot, version);
    const hash = sourceHash(engineDir);
    const seconds = () => Math.round((Date.now() - started) / 100) / 10;

    if (upToDate(binDir, version, hash)) {
        log.write(`Pulumi CLI ${version} is already built in ${path.relative(o.repoRoot, binDir)} (remove .state/pulumi to rebuild).\n`);
        return { binDir, version, built: false, seconds: seconds() };
    }

    const go = goVersion();
    if (!go) throw new EngineInstallError(NO_GO_MESSAGE, 2);
    const m = /^go(\d+)\.(\d+)/.exec(go);
    if (!m || Number(m[1]) < MINIMUM_GO[0] || (Number(m[1]) === MINIMUM_GO[0] && Number(m[2]) < MINIMUM_GO[1])) {
        throw new EngineInstallError(
            `Go ${MINIMUM_GO.join(".")} or newer is needed to build the Pulumi CLI, and this is ${go}. Upgrade Go, or install the official Pulumi CLI (https://www.pulumi.com/docs/install/).`,
            2,
        );
    }

    log.write(`Building the Pulumi CLI ${version} with ${go} into ${path.relative(o.repoRoot, binDir)}\n`);
    log.write("  (a first build downloads a few hundred MB of Go modules and compiles for several minutes; Go's caches make the next one fast)\n");
    const partial = `${binDir}.partial-${process.pid}`;
    fs.rmSync(partial, { recursive: true, force: true });
    fs.mkdirSync(partial, { recursive: true });
    try {
        const stamp = `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}`;
        await goBuild(
            engineDir,
            ["-ldflags", stamp, "-o", path.join(partial, "pulumi"), "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"],
            "pulumi (CLI and engine)",
            log,
        );
        await goBuild(engineDir, ["-ldflags", `-X main.version=${version}`, "-o", path.join(partial, LANGUAGE_HOST), "./langhost"], LANGUAGE_HOST, log);
        await goBuild(
            path.join(engineDir, "yaml"),
            [
                "-ldflags",
                `-X github.com/pulumi/pulumi-yaml/pkg/version.Version=${yamlVersion}`,
                "-o",
                path.join(partial, YAML_LANGUAGE_HOST),
                "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml",
            ],
            `${YAML_LANGUAGE_HOST} ${yamlVersion}`,
            log,
        );

        const sdkDir = execFileSync("go", ["list", "-m", "-f", "{{.Dir}}", "github.com/pulumi/pulumi/sdk/v3"], { cwd: engineDir, encoding: "utf8" }).trim();
        const script = path.join(sdkDir, "nodejs", "dist", DYNAMIC_PLUGIN);
        if (!fs.existsSync(script)) throw new EngineInstallError(`the SDK module has no ${DYNAMIC_PLUGIN} at ${script}`, 1);
        fs.copyFileSync(script, path.join(partial, DYNAMIC_PLUGIN));
        fs.chmodSync(path.join(partial, DYNAMIC_PLUGIN), 0o755);

        const printed = execFileSync(path.join(partial, "pulumi"), ["version"], {
            encoding: "utf8",
            env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
        }).trim();
        if (printed !== version) throw new EngineInstallError(`the built CLI says ${JSON.stringify(printed)}, not ${version}`, 1);
        await checkLanguageHost(path.join(partial, LANGUAGE_HOST));
        await checkLanguageHost(path.join(partial, YAML_LANGUAGE_HOST));
        fs.writeFileSync(
            path.join(partial, STAMP),
            `${JSON.stringify({ version, yamlVersion, sourceHash: hash, go, builtAt: new Date().toISOString() }, null, 2)}\n`,
        );

        fs.rmSync(binDir, { recursive: true, force: true });
        fs.renameSync(partial, binDir);
    } finally {
        fs.rmSync(partial, { recursive: true, force: true });
    }
    log.write(
        `Pulumi CLI ${version} ready: ${path.relative(o.repoRoot, path.join(binDir, "pulumi"))} (with ${LANGUAGE_HOST}, ${YAML_LANGUAGE_HOST} ${yamlVersion} and ${DYNAMIC_PLUGIN} beside it), built in ${seconds()} s.\n`,
    );
    log.write("  Remove it with: rm -rf .state/pulumi   (Go's caches: go clean -modcache -cache)\n");
    return { binDir, version, built: true, seconds: seconds() };
}

if (require.main === module) {
    installEngine({ repoRoot: repoRootFromHere() }).then(
        () => {
            process.exitCode = 0;
        },
        (e: unknown) => {
            process.stderr.write(`npm run pulumi:install: ${e instanceof Error ? e.message : String(e)}\n`);
            process.exitCode = e instanceof EngineInstallError ? e.exitCode : 1;
        },
    );
}
