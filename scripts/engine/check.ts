/**
 * `npm run engine:check`: the Go side of the project checked as the TypeScript side is. In every Go
 * module under engine/ (engine/go.mod, engine/yaml and engine/tools/*): `go mod tidy -diff` (go.mod and
 * go.sum say exactly what the code needs), then, where the module has packages of its own, `go vet` and
 * `go test` (the language host's tables). Prints one line when all is well, the failing output otherwise.
 * Exit codes: 0 clean, 1 a check failed, 2 Go is missing.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { repoRootFromHere } from "./pin";

export interface ModuleCheck {
    /** The module's folder, relative to the repository. */
    dir: string;
    packages: number;
    /** Top-level tests that passed (subtests not counted). */
    tests: number;
}

export class EngineCheckError extends Error {
    constructor(
        message: string,
        readonly exitCode: 1 | 2,
    ) {
        super(message);
        this.name = "EngineCheckError";
    }
}

/** The folders under engine/ that hold a go.mod, engine/ itself first. */
export function goModules(repoRoot: string): string[] {
    const found: string[] = [];
    const walk = (dir: string) => {
        if (fs.existsSync(path.join(dir, "go.mod"))) found.push(dir);
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            if (e.isDirectory() && !e.name.startsWith(".") && e.name !== "testdata") walk(path.join(dir, e.name));
        }
    };
    walk(path.join(repoRoot, "engine"));
    return found;
}

export const NO_GO_FOR_CHECK =
    "npm run engine:check runs go vet and go test over engine/, and `go` was not found on PATH: install Go 1.26 or newer (https://go.dev/doc/install).";

function go(args: string[], cwd: string): { ok: boolean; stdout: string; out: string } {
    const r = spawnSync("go", args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 20 * 60_000 });
    if (r.error) throw new EngineCheckError(`could not run go ${args[0]}: ${r.error.message}`, 1);
    return { ok: r.status === 0, stdout: r.stdout, out: `${r.stdout}${r.stderr}`.trim() };
}

/** Counts the top-level tests of a `go test -json` stream that passed, and names those that failed. */
export function testOutcome(json: string): { passed: number; failed: string[] } {
    let passed = 0;
    const failed: string[] = [];
    for (const line of json.split("\n")) {
        if (!line.startsWith("{")) continue;
        const e = JSON.parse(line) as { Action?: string; Test?: string; Package?: string };
        if (!e.Test || e.Test.includes("/")) continue;
        if (e.Action === "pass") passed++;
        else if (e.Action === "fail") failed.push(`${e.Package}.${e.Test}`);
    }
    return { passed, failed };
}

export function checkModule(repoRoot: string, dir: string): ModuleCheck {
    const rel = path.relative(repoRoot, dir);
    const fail = (what: string, out: string) => new EngineCheckError(`${what} in ${rel} failed:\n${out}`, 1);

    const tidy = go(["mod", "tidy", "-diff"], dir);
    if (!tidy.ok) throw fail("go mod tidy -diff (run `go mod tidy` there and commit go.mod and go.sum)", tidy.out);

    const list = go(["list", "./..."], dir);
    if (!list.ok) throw fail("go list", list.out);
    const packages = list.stdout.split("\n").filter((l) => l.trim() !== "").length;
    // A module that only pins a command (engine/yaml, engine/tools/*) has no package of its own to vet.
    if (packages === 0) return { dir: rel, packages, tests: 0 };

    const vet = go(["vet", "./..."], dir);
    if (!vet.ok) throw fail("go vet", vet.out);

    const test = go(["test", "-json", "./..."], dir);
    const outcome = testOutcome(test.stdout);
    if (!test.ok || outcome.failed.length > 0) {
        // The failed tests' own output (and a build error's, which belongs to no test).
        const failedNames = outcome.failed.map((f) => f.slice(f.lastIndexOf(".") + 1));
        const text = test.stdout
            .split("\n")
            .filter((l) => l.startsWith("{"))
            .map((l) => JSON.parse(l) as { Test?: string; Output?: string })
            .filter((e) => (e.Test ? failedNames.some((n) => e.Test === n || e.Test!.startsWith(`${n}/`)) : true))
            .map((e) => e.Output ?? "")
            .join("");
        throw fail(`go test (${outcome.failed.join(", ") || "the build"})`, text || test.out);
    }
    return { dir: rel, packages, tests: outcome.passed };
}

export function checkEngine(repoRoot: string): ModuleCheck[] {
    if (spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8" }).status !== 0) throw new EngineCheckError(NO_GO_FOR_CHECK, 2);
    return goModules(repoRoot).map((dir) => checkModule(repoRoot, dir));
}

if (require.main === module) {
    const started = Date.now();
    try {
        const modules = checkEngine(repoRootFromHere());
        const packages = modules.reduce((n, m) => n + m.packages, 0);
        const tests = modules.reduce((n, m) => n + m.tests, 0);
        const seconds = Math.round((Date.now() - started) / 100) / 10;
        process.stdout.write(
            `engine check: ${modules.length} Go modules tidy, go vet clean over ${packages} package(s), ${tests} Go tests passed (${seconds} s)\n`,
        );
    } catch (e) {
        process.stderr.write(`npm run engine:check: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = e instanceof EngineCheckError ? e.exitCode : 1;
    }
}
