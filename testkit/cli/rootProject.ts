/**
 * The repo's root Pulumi project (the GitOps program), run from the repo root as the README says,
 * with a throwaway stack: its config file and its incident folder live in the workspace, not in the
 * repository, and the provider points at an emulator started here.
 */
import * as fs from "fs";
import * as path from "path";
import { startEmulator, type EmulatorOptions, type RequestLogEntry, type RunningEmulator } from "../../emulator";
import { stackConfigCommands, type DemoCredentials } from "../../scripts/engine/localStack";
import type { PulumiCli } from "../../scripts/engine/findCli";
import { REPO_ROOT } from "./engine";
import { CliWorkspace, type CliRun, type RunOptions, type StackExport } from "./workspace";

export const TEST_CREDENTIALS: Omit<DemoCredentials, "clientSecret"> = {
    tenantId: "00000000-0000-0000-0000-0000000000e2",
    clientId: "5b0c3f4e-2d1a-4e6b-9c8d-7f6e5d4c3b2a",
};

export interface RootStack {
    ws: CliWorkspace;
    emulator: RunningEmulator;
    stack: string;
    configFile: string;
    /** The incident folder, in the workspace. */
    incidentsDir: string;
    /** `--stack <stack> --config-file <file> --non-interactive`: what every stack command carries. */
    flags: string[];
    /** A pulumi command from the repo root, with `flags` appended. */
    run(args: string[], o?: Partial<RunOptions>): Promise<CliRun>;
    ok(args: string[], o?: Partial<RunOptions>): Promise<CliRun>;
    exportStack(): Promise<StackExport>;
    stop(): Promise<void>;
}

/**
 * A stack of the root project: the emulator (fast actions unless told otherwise), the workspace, the
 * stack and its config (provider → emulator, the secret through stdin, polls every 0.2 s, incidentsDir
 * as given relative to the project root or absolute).
 */
export async function rootProjectStack(
    cli: PulumiCli,
    o: {
        prefix: string;
        clientSecret: string;
        emulator?: EmulatorOptions;
        relativeIncidentsDir?: boolean;
    },
): Promise<RootStack> {
    const emulator = await startEmulator({
        tls: { dir: path.join(REPO_ROOT, ".state", "emulator-tls") },
        actionDelays: { toInProgressMs: 50, toSucceededMs: 100 },
        ...o.emulator,
    });
    const ws = new CliWorkspace(cli, { caCertPath: emulator.caCertPath, prefix: o.prefix });
    const stack = `${o.prefix.replace(/[^a-z0-9]/gi, "")}${Date.now().toString(36)}`;
    const configFile = path.join(ws.dir, `Pulumi.${stack}.yaml`);
    const incidentsDir = path.join(ws.dir, "incidents");
    fs.mkdirSync(incidentsDir);
    const rootConfigFile = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
    const flags = ["--stack", stack, "--config-file", configFile, "--non-interactive"];
    const at = (extra?: Partial<RunOptions>): RunOptions => ({ cwd: REPO_ROOT, ...extra });
    const root: RootStack = {
        ws,
        emulator,
        stack,
        configFile,
        incidentsDir,
        flags,
        run: (args, extra) => ws.run([...args, ...flags], at(extra)),
        ok: (args, extra) => ws.ok([...args, ...flags], at(extra)),
        exportStack: () => ws.exportStack(stack, REPO_ROOT),
        async stop() {
            fs.rmSync(rootConfigFile, { force: true });
            await emulator.stop();
            ws.remove();
        },
    };
    try {
        await ws.ok(["stack", "init", stack, "--non-interactive"], at());
        // `stack init` takes no --config-file: it writes the passphrase salt into the project folder.
        fs.renameSync(rootConfigFile, configFile);
        const commands = stackConfigCommands({
            stack,
            configFile,
            emulatorUrl: emulator.url,
            pollIntervalSeconds: 0.2,
            credentials: { ...TEST_CREDENTIALS, clientSecret: o.clientSecret },
        });
        for (const c of commands) await ws.ok(c.args, at({ stdin: c.stdin }));
        const dir = o.relativeIncidentsDir ? path.relative(REPO_ROOT, incidentsDir) : incidentsDir;
        await ws.ok(["config", "set", "incidentsDir", dir, ...flags], at());
    } catch (e) {
        await root.stop();
        throw e;
    }
    return root;
}

/** The isolate, unisolate and cancel POSTs of a request log: every write to Defender. */
export function writes(log: readonly RequestLogEntry[]): { route: string; machineId: string; body: Record<string, unknown> }[] {
    return log
        .filter((e) => e.method === "POST" && (e.route === "isolate" || e.route === "unisolate" || e.route === "cancelAction"))
        .map((e) => ({ route: e.route!, machineId: /\/machines\/([0-9a-f]{40})\//.exec(e.path)?.[1] ?? "", body: safeJson(e.body) }));
}

function safeJson(text: string | null | undefined): Record<string, unknown> {
    try {
        return JSON.parse(text ?? "") as Record<string, unknown>;
    } catch {
        return {};
    }
}
