/**
 * What every end-to-end suite starts from: the emulator over HTTPS, a CLI workspace that trusts it,
 * and one stack of a program with the provider pointed at the emulator (real credentials, the secret
 * set with --secret through stdin).
 */
import * as fs from "fs";
import * as path from "path";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { stackConfigCommands } from "../../scripts/engine/localStack";
import type { PulumiCli } from "../../scripts/engine/findCli";
import { REPO_ROOT } from "./engine";
import { CliWorkspace, type CliRun, type StackExport } from "./workspace";

export const TENANT = "00000000-0000-0000-0000-000000000001";
export const CLIENT = "7d3f4c2a-9b1e-4f6d-8a2c-5e0b1d9c3f47";

export interface E2eStack {
    emulator: RunningEmulator;
    ws: CliWorkspace;
    stack: string;
    /** The program's folder, where every command runs. */
    cwd: string;
    /** The flags that name the stack (and its config file when it is not the program's own). */
    flags: string[];
    /** Runs `pulumi <args> <flags>`; `ok` insists on exit code 0. */
    run(...args: string[]): Promise<CliRun>;
    ok(...args: string[]): Promise<CliRun>;
    config(key: string, value: string): Promise<CliRun>;
    exported(): Promise<StackExport>;
    /** API writes (POSTs under /api/) since the last call, as "POST <path>". */
    writes(): string[];
    stop(): Promise<void>;
}

export interface StackOptions {
    cli: PulumiCli;
    /** The program's folder. */
    cwd: string;
    stack: string;
    /** The stack's config file, when not `Pulumi.<stack>.yaml` in cwd (the root project keeps the repo clean). */
    configFile?: string;
    clientSecret: string;
    emulator?: EmulatorOptions;
    prefix?: string;
}

export async function openStack(o: StackOptions): Promise<E2eStack> {
    const emulator = await startEmulator({
        tls: { dir: path.join(REPO_ROOT, ".state", "emulator-tls") },
        actionDelays: { toInProgressMs: 200, toSucceededMs: 600 },
        ...o.emulator,
    });
    const ws = new CliWorkspace(o.cli, { caCertPath: emulator.caCertPath, prefix: o.prefix });
    const configFile = o.configFile ?? path.join(o.cwd, `Pulumi.${o.stack}.yaml`);
    const flags = ["--stack", o.stack, ...(o.configFile ? ["--config-file", o.configFile] : []), "--non-interactive"];
    await ws.ok(["stack", "init", o.stack, "--non-interactive"], { cwd: o.cwd });
    // `stack init` takes no --config-file: it writes the stack's file (the passphrase salt) beside
    // Pulumi.yaml. Move it where the stack's config lives, so the project folder stays clean.
    const written = path.join(o.cwd, `Pulumi.${o.stack}.yaml`);
    if (o.configFile && fs.existsSync(written)) fs.renameSync(written, o.configFile);
    const credentials = { tenantId: TENANT, clientId: CLIENT, clientSecret: o.clientSecret };
    for (const c of stackConfigCommands({ stack: o.stack, configFile, emulatorUrl: emulator.url, credentials, pollIntervalSeconds: 0.2 })) {
        await ws.ok(c.args, { cwd: o.cwd, stdin: c.stdin });
    }
    let seen = emulator.requests().length;
    return {
        emulator,
        ws,
        stack: o.stack,
        cwd: o.cwd,
        flags,
        run: (...args) => ws.run([...args, ...flags], { cwd: o.cwd }),
        ok: (...args) => ws.ok([...args, ...flags], { cwd: o.cwd }),
        config: (key, value) => ws.ok(["config", "set", ...flags.slice(0, -1), key, value], { cwd: o.cwd }),
        exported: () => ws.exportStack(o.stack, o.cwd),
        writes() {
            const all = emulator.requests();
            const fresh = all.slice(seen);
            seen = all.length;
            return fresh.filter((r) => r.method === "POST" && r.path.startsWith("/api/")).map((r) => `POST ${r.path}`);
        },
        async stop() {
            await ws.run(["stack", "rm", "--yes", "--force", "--stack", o.stack, "--non-interactive"], { cwd: o.cwd });
            if (o.configFile) fs.rmSync(path.dirname(o.configFile) === o.cwd ? o.configFile : path.dirname(o.configFile), { recursive: true, force: true });
            ws.remove();
            await emulator.stop();
        },
    };
}
