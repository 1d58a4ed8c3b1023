/**
 * actionlint, the GitHub Actions workflow linter, built from Go modules at the release pinned in
 * engine/tools/actionlint/go.mod (checksums in its go.sum) into `.state/actionlint/<version>/`.
 *
 * Idempotent: when the binary is there and answers the pinned version, nothing is built (milliseconds).
 * `npm run lint:workflows` and the workflow test use it. shellcheck (a Debian package, not a Go module)
 * is looked up on PATH: with it, actionlint also checks the shell of every `run:` step.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { EngineInstallError, NO_GO_MESSAGE } from "./install";
import { repoRootFromHere } from "./pin";

export interface Actionlint {
    command: string;
    version: string;
    /** False when it was already built. */
    built: boolean;
}

export function actionlintModuleDir(repoRoot: string): string {
    return path.join(repoRoot, "engine", "tools", "actionlint");
}

/** The pinned release, e.g. "v1.7.12", read from the tool module's go.mod. */
export function pinnedActionlintVersion(repoRoot: string): string {
    const goMod = fs.readFileSync(path.join(actionlintModuleDir(repoRoot), "go.mod"), "utf8");
    const v = /^\s*require\s+github\.com\/rhysd\/actionlint\s+(v\d+\.\d+\.\d+)\s*$/m.exec(goMod)?.[1];
    if (!v) throw new Error("engine/tools/actionlint/go.mod does not require github.com/rhysd/actionlint at a release version");
    return v;
}

function answers(file: string, version: string): boolean {
    try {
        return execFileSync(file, ["-version"], { encoding: "utf8", timeout: 30_000 }).split("\n")[0].trim() === version;
    } catch {
        return false;
    }
}

export function buildActionlint(o: { repoRoot: string; log?: NodeJS.WritableStream }): Actionlint {
    const version = pinnedActionlintVersion(o.repoRoot);
    const command = path.join(o.repoRoot, ".state", "actionlint", version, "actionlint");
    if (answers(command, version)) return { command, version, built: false };

    if (spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8" }).status !== 0) {
        throw new EngineInstallError(NO_GO_MESSAGE.replace("the Pulumi CLI", "actionlint"), 2);
    }
    (o.log ?? process.stdout).write(`Building actionlint ${version} into ${path.relative(o.repoRoot, command)}\n`);
    fs.mkdirSync(path.dirname(command), { recursive: true });
    const partial = `${command}.partial-${process.pid}`;
    const r = spawnSync(
        "go",
        ["build", "-trimpath", "-ldflags", `-X github.com/rhysd/actionlint.version=${version}`, "-o", partial, "github.com/rhysd/actionlint/cmd/actionlint"],
        {
            cwd: actionlintModuleDir(o.repoRoot),
            encoding: "utf8",
            timeout: 15 * 60_000,
        },
    );
    if (r.status !== 0) {
        fs.rmSync(partial, { force: true });
        throw new EngineInstallError(
            `go build of actionlint failed (${r.error?.message ?? `exit ${r.status}`}):\n${(r.stderr ?? "").split("\n").slice(-20).join("\n")}`,
            1,
        );
    }
    fs.renameSync(partial, command);
    if (!answers(command, version)) throw new EngineInstallError(`the built actionlint at ${command} does not answer -version with ${version}`, 1);
    return { command, version, built: true };
}

/** shellcheck on PATH, or undefined. */
export function findShellcheck(env: NodeJS.ProcessEnv = process.env): string | undefined {
    for (const dir of (env.PATH ?? "").split(path.delimiter).filter((d) => d !== "")) {
        const file = path.join(dir, "shellcheck");
        try {
            fs.accessSync(file, fs.constants.X_OK);
            return file;
        } catch {
            /* not here */
        }
    }
    return undefined;
}

/** One problem actionlint reports (its `-format '{{json .}}'` output). */
export interface ActionlintProblem {
    message: string;
    filepath: string;
    line: number;
    column: number;
    kind: string;
}

/**
 * Lints workflow files. `shellcheck: undefined` turns its shell checks off (actionlint would
 * otherwise look for it on PATH by itself). Throws when actionlint itself fails (not on problems).
 */
export function runActionlint(tool: Actionlint, files: string[], o: { shellcheck: string | undefined; cwd: string }): ActionlintProblem[] {
    const r = spawnSync(tool.command, ["-format", "{{json .}}", "-no-color", `-shellcheck=${o.shellcheck ?? ""}`, ...files], {
        cwd: o.cwd,
        encoding: "utf8",
        timeout: 120_000,
    });
    // Exit codes: 0 no problem, 1 problems found, 2 bad invocation, 3 fatal error.
    if (r.status !== 0 && r.status !== 1) throw new Error(`actionlint exited ${r.status ?? r.signal}: ${r.stderr}${r.stdout}`);
    const text = r.stdout.trim();
    return text === "" ? [] : (JSON.parse(text) as ActionlintProblem[]);
}

export function formatProblem(p: ActionlintProblem): string {
    return `${p.filepath}:${p.line}:${p.column}: ${p.message} [${p.kind}]`;
}

if (require.main === module) {
    // npm run lint:workflows
    const repoRoot = repoRootFromHere();
    try {
        const tool = buildActionlint({ repoRoot });
        const dir = path.join("examples", "github-actions");
        const files = fs
            .readdirSync(path.join(repoRoot, dir))
            .filter((f) => /\.ya?ml$/.test(f))
            .map((f) => path.join(dir, f));
        const shellcheck = findShellcheck();
        const problems = runActionlint(tool, files, { shellcheck, cwd: repoRoot });
        for (const p of problems) process.stdout.write(`${formatProblem(p)}\n`);
        process.stdout.write(
            `actionlint ${tool.version}${shellcheck ? " with shellcheck" : " (shellcheck not found: run: steps unchecked)"}: ${files.length} workflow(s), ${problems.length} problem(s)\n`,
        );
        process.exitCode = problems.length === 0 ? 0 : 1;
    } catch (e) {
        process.stderr.write(`npm run lint:workflows: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = e instanceof EngineInstallError ? e.exitCode : 1;
    }
}
