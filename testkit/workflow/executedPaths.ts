/**
 * What a GitHub workflow executes or installs from its own repository, read from the workflow file:
 * the paths a pull request could change to run its own code in a job. CODEOWNERS must put every one
 * of them under the security owner's review (test/unit/workflow/codeowners.test.ts).
 *
 * Followed: `uses: ./local` actions; `run:` commands (npm ci/install and the lifecycle scripts it runs,
 * npm run and its pre/post scripts, tsc -p and the files its config compiles, node <file>, git checkout
 * -- <paths>), in the step's working directory; pulumi/actions' project folder (Pulumi.yaml, every
 * Pulumi.<stack>.yaml, the program Pulumi.yaml names, mapped back to its source), policy packs and
 * their configs. A command it does not know fails loudly: a new step must be taught here, never skipped.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export interface ExecutedPath {
    /** Repository-relative: a file, a folder ending in `/`, or a glob (`provider/**\/*.ts`). */
    path: string;
    /** Which step and command brought it in. */
    why: string;
}

interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    "working-directory"?: string;
}
interface Job {
    steps?: Step[];
    defaults?: { run?: { "working-directory"?: string } };
}
interface Workflow {
    jobs: Record<string, Job>;
    defaults?: { run?: { "working-directory"?: string } };
}

/** npm's lifecycle scripts that `npm ci` / `npm install` run from the package's own package.json. */
const INSTALL_SCRIPTS = ["preinstall", "install", "postinstall", "prepublish", "preprepare", "prepare", "postprepare"];

/** Commands that run nothing from the repository. */
const INERT = new Set(["echo", "true", "git fetch"]);

const norm = (p: string) => {
    const n = path.posix.normalize(p.replace(/\\/g, "/")).replace(/^\.\//, "");
    return n === "." ? "" : n;
};
const join = (dir: string, p: string) => norm(path.posix.join(dir, p));

/** A shell command line split into commands (on &&, ||, ;, |, newlines) and words (quotes kept together). */
export function shellCommands(script: string): string[][] {
    const commands: string[][] = [];
    let words: string[] = [];
    let word = "";
    let quote: string | null = null;
    let inWord = false;
    const endWord = () => {
        if (inWord) words.push(word);
        word = "";
        inWord = false;
    };
    const endCommand = () => {
        endWord();
        if (words.length > 0) commands.push(words);
        words = [];
    };
    const s = script.replace(/\\\n/g, " ");
    for (let i = 0; i < s.length; i++) {
        const c = s[i];
        if (quote) {
            if (c === quote) quote = null;
            else if (c === "\\" && quote === '"' && i + 1 < s.length) word += s[++i];
            else word += c;
            continue;
        }
        if (c === "'" || c === '"') {
            quote = c;
            inWord = true;
        } else if (c === "#" && !inWord) {
            while (i < s.length && s[i] !== "\n") i++;
            endCommand();
        } else if (c === "\n" || c === ";" || c === "|" || c === "&") {
            endCommand();
            if ((c === "&" || c === "|") && s[i + 1] === c) i++;
        } else if (c === " " || c === "\t") endWord();
        else {
            word += c;
            inWord = true;
        }
    }
    if (quote) throw new Error(`unterminated ${quote} in: ${script}`);
    endCommand();
    return commands;
}

/** The value of `--name <v>` or `--name=<v>` in `args`. */
function flag(args: string[], name: string): string | undefined {
    for (let i = 0; i < args.length; i++) {
        if (args[i] === name) return args[i + 1];
        if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
    }
    return undefined;
}

/** git's arguments without the `-c name=value` settings before its subcommand. */
function withoutGitSettings(args: string[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < args.length; i++) {
        if (out.length === 0 && args[i] === "-c") i++;
        else out.push(args[i]);
    }
    return out;
}

export class ExecutedPaths {
    readonly paths: ExecutedPath[] = [];
    private readonly seenScripts = new Set<string>();

    constructor(private readonly repoRoot: string) {}

    add(p: string, why: string): void {
        if (!this.paths.some((x) => x.path === p)) this.paths.push({ path: p, why });
    }

    private readJson(rel: string): Record<string, unknown> {
        return JSON.parse(fs.readFileSync(path.join(this.repoRoot, rel), "utf8")) as Record<string, unknown>;
    }

    /** The scripts of the package in `dir`. */
    private scripts(dir: string): Record<string, string> {
        return (this.readJson(join(dir, "package.json")).scripts ?? {}) as Record<string, string>;
    }

    /** One npm script of the package in `dir`, with its pre and post scripts. */
    private npmScript(dir: string, name: string, why: string): void {
        const scripts = this.scripts(dir);
        if (scripts[name] === undefined) throw new Error(`${why}: ${join(dir, "package.json") || "package.json"} has no script "${name}"`);
        for (const s of [`pre${name}`, name, `post${name}`]) {
            const key = `${dir}:${s}`;
            if (scripts[s] === undefined || this.seenScripts.has(key)) continue;
            this.seenScripts.add(key);
            this.script(scripts[s], dir, `${why} → npm script ${s}`);
        }
    }

    /** A shell script run in `dir` (repository-relative). */
    script(text: string, dir: string, why: string): void {
        for (const words of shellCommands(text)) this.command(words, dir, `${why}: ${words.join(" ")}`);
    }

    private command(words: string[], dir: string, why: string): void {
        const [cmd, ...rest] = words;
        // git's -c name=value settings come before its subcommand.
        const args = cmd === "git" ? withoutGitSettings(rest) : rest;
        const sub = args[0];
        if (INERT.has(cmd) || INERT.has(`${cmd} ${sub}`)) return;
        if (cmd === "npm" && (sub === "ci" || sub === "install" || sub === "i")) {
            const pkg = join(dir, flag(args, "--prefix") ?? "");
            for (const f of ["package.json", "package-lock.json", ".npmrc"]) this.add(join(pkg, f), why);
            // npm reads the user's and the project's .npmrc; the project's is the one a pull request can write.
            if (pkg !== "") this.add(".npmrc", why);
            const scripts = this.scripts(pkg);
            for (const s of INSTALL_SCRIPTS) if (scripts[s] !== undefined) this.npmScript(pkg, s, `${why} (install script)`);
            return;
        }
        if (cmd === "npm" && (sub === "run" || sub === "run-script")) {
            const name = args.slice(1).find((a) => !a.startsWith("-") && a !== flag(args, "--prefix"));
            if (!name) throw new Error(`${why}: no script name`);
            const pkg = join(dir, flag(args, "--prefix") ?? "");
            this.add(join(pkg, "package.json"), why);
            this.npmScript(pkg, name, why);
            return;
        }
        if (cmd === "tsc") {
            const config = join(dir, flag(args, "-p") ?? flag(args, "--project") ?? "tsconfig.json");
            this.tsconfig(config, why);
            return;
        }
        if (cmd === "node") {
            // `node -e <code>`: the code is in the file that holds the command, already listed.
            if (sub === "-e" || sub === "--eval") return;
            if (!sub) throw new Error(`${why}: node without a file`);
            this.add(join(dir, sub), why);
            return;
        }
        if (cmd === "git" && sub === "checkout") {
            const at = args.indexOf("--");
            if (at < 0) throw new Error(`${why}: a git checkout of a whole commit runs whatever it holds; list the paths after --`);
            for (const p of args.slice(at + 1)) this.add(`${join(dir, p)}/`, why);
            return;
        }
        throw new Error(`${why}: the command "${cmd}" is not known to testkit/workflow/executedPaths.ts; teach it what the command runs`);
    }

    /** A tsconfig, what it extends, and what it compiles. */
    private tsconfig(rel: string, why: string): void {
        this.add(rel, why);
        const config = this.readJson(rel) as { extends?: string; include?: string[]; files?: string[] };
        const dir = path.posix.dirname(rel);
        if (config.extends) this.tsconfig(join(dir, config.extends), `${why} (extends)`);
        for (const g of [...(config.include ?? []), ...(config.files ?? [])]) this.add(join(dir, g), `${why} (compiles)`);
    }

    /** A Pulumi project folder: its project file, every stack's config, and the program's source. */
    pulumiProject(workDir: string, why: string): void {
        this.add(join(workDir, "Pulumi.yaml"), why);
        this.add(join(workDir, "Pulumi.*.yaml"), `${why} (stack config)`);
        const project = parse(fs.readFileSync(path.join(this.repoRoot, workDir, "Pulumi.yaml"), "utf8")) as { main?: string };
        if (project.main) this.add(this.sourceOf(join(workDir, project.main)), `${why} (the program, main: ${project.main})`);
    }

    /** A compiled file's TypeScript source, through tsconfig.json's outDir and rootDir; else the file. */
    private sourceOf(rel: string): string {
        const options = ((this.readJson("tsconfig.json").compilerOptions ?? {}) as { outDir?: string; rootDir?: string }) ?? {};
        const out = options.outDir ? `${norm(options.outDir)}/` : undefined;
        if (!out || !rel.startsWith(out) || !rel.endsWith(".js")) return rel;
        return join(options.rootDir ?? ".", rel.slice(out.length).replace(/\.js$/, ".ts"));
    }
}

/**
 * Every path the workflow in `workflowFile` (repository-relative) executes or installs; the workflow
 * itself first, under the name it has where it runs (`installedAs`, e.g. .github/workflows/incidents.yml).
 */
export function executedPaths(repoRoot: string, workflowFile: string, o: { installedAs?: string; text?: string } = {}): ExecutedPath[] {
    const workflow = parse(o.text ?? fs.readFileSync(path.join(repoRoot, workflowFile), "utf8")) as Workflow;
    const found = new ExecutedPaths(repoRoot);
    found.add(o.installedAs ?? workflowFile, "the workflow itself");
    for (const [jobName, job] of Object.entries(workflow.jobs)) {
        const jobDir = job.defaults?.run?.["working-directory"] ?? workflow.defaults?.run?.["working-directory"] ?? "";
        (job.steps ?? []).forEach((step, i) => {
            const where = `jobs.${jobName}.steps[${i}]`;
            if (step.uses?.startsWith("./")) found.add(`${norm(step.uses)}/`, `${where} uses a local action`);
            if (step.run !== undefined) found.script(step.run, norm(step["working-directory"] ?? jobDir), where);
            if (step.uses?.startsWith("pulumi/actions@")) {
                const w = step.with ?? {};
                // A with: value is text (YAML scalars); anything else is read as no value.
                const text = (v: unknown, fallback: string) =>
                    typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : fallback;
                const workDir = norm(text(w["work-dir"], "."));
                found.pulumiProject(workDir, `${where} (pulumi/actions ${String(w.command)})`);
                for (const p of text(w.policyPacks, "")
                    .split(/[\s,]+/)
                    .filter(Boolean))
                    found.add(`${join(workDir, p)}/`, `${where} policyPacks`);
                for (const p of text(w.policyPackConfigs, "")
                    .split(/[\s,]+/)
                    .filter(Boolean))
                    found.add(join(workDir, p), `${where} policyPackConfigs`);
            }
        });
    }
    return found.paths;
}
