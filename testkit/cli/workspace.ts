/**
 * A throwaway place to run the real `pulumi` CLI as a user would: a local file backend, a passphrase
 * secrets provider, PULUMI_HOME inside it (the user's ~/.pulumi untouched), no update check, no plugin
 * downloads, the emulator's CA trusted by every Node process the CLI starts.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { demoEnv } from "../../scripts/engine/localStack";
import type { PulumiCli } from "../../scripts/engine/findCli";

export interface CliRun {
    /** The command line, for messages. */
    command: string;
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
    ms: number;
}

export interface RunOptions {
    cwd: string;
    /** Written to stdin (how secrets travel), then closed. */
    stdin?: string;
    env?: NodeJS.ProcessEnv;
    /** @default 300_000 */
    timeoutMs?: number;
    /** Starts the CLI in a process group of its own, as a terminal starts a foreground job. @default false */
    detached?: boolean;
    /** Called with the child once started (to signal it). */
    onSpawn?: (child: import("child_process").ChildProcess) => void;
    /** Called with each chunk of stdout. */
    onStdout?: (chunk: string) => void;
}

export const PASSPHRASE = "e2e-only-not-a-secret";

export class CliWorkspace {
    readonly dir: string;
    readonly backendDir: string;
    readonly env: NodeJS.ProcessEnv;

    constructor(
        readonly cli: PulumiCli,
        o: { caCertPath?: string; prefix?: string } = {},
    ) {
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), o.prefix ?? "e2e-"));
        this.backendDir = path.join(this.dir, "backend");
        fs.mkdirSync(this.backendDir);
        this.env = {
            ...demoEnv(process.env, { backendDir: this.backendDir, caCertPath: o.caCertPath, cli, nodeDir: path.dirname(process.execPath) }),
            PULUMI_HOME: path.join(this.dir, "pulumi-home"),
            PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
            CI: undefined,
            PULUMI_CI_SYSTEM: undefined,
        };
        // Mocha's own settings must not leak into programs that happen to use mocha.
        for (const k of Object.keys(this.env)) if (k.startsWith("MOCHA_")) delete this.env[k];
    }

    run(args: string[], o: RunOptions): Promise<CliRun> {
        const command = `pulumi ${args.join(" ")}`;
        const started = Date.now();
        return new Promise((resolve, reject) => {
            const env = { ...this.env, ...o.env };
            for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
            const child = spawn(this.cli.command, args, { cwd: o.cwd, env, stdio: ["pipe", "pipe", "pipe"], detached: o.detached ?? false });
            o.onSpawn?.(child);
            let stdout = "";
            let stderr = "";
            const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 300_000);
            child.stdout.on("data", (d: Buffer) => {
                stdout += d.toString();
                o.onStdout?.(d.toString());
            });
            child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
            child.stdin.end(o.stdin ?? "");
            child.on("error", (e) => {
                clearTimeout(timer);
                reject(e);
            });
            child.on("close", (code, signal) => {
                clearTimeout(timer);
                resolve({ command, code, signal, stdout, stderr, ms: Date.now() - started });
            });
        });
    }

    /** Runs and insists on exit code 0, with the whole output in the failure message. */
    async ok(args: string[], o: RunOptions): Promise<CliRun> {
        const r = await this.run(args, o);
        if (r.code !== 0) throw new Error(`${r.command} exited ${r.code ?? r.signal}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
        return r;
    }

    /** `pulumi stack export` of a stack, parsed. */
    async exportStack(stack: string, cwd: string): Promise<StackExport> {
        const r = await this.ok(["stack", "export", "--stack", stack], { cwd });
        return JSON.parse(r.stdout) as StackExport;
    }

    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

export interface StateResource {
    urn: string;
    type: string;
    id?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

export interface StackExport {
    version: number;
    deployment: {
        resources?: StateResource[];
        pending_operations?: { resource: StateResource; type: string }[];
        secrets_providers?: unknown;
    };
}

/** The DeviceIsolation resources of an export. */
export function isolations(state: StackExport): StateResource[] {
    return (state.deployment.resources ?? []).filter((r) => r.type.endsWith(":DeviceIsolation"));
}
