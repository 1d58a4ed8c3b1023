/**
 * The `defender-isolation` command as a user runs it: a child process (`node dist/provider/apps/cli/main.js`)
 * against the emulator over HTTPS, the emulator's CA trusted through NODE_EXTRA_CA_CERTS, the
 * application's credentials in AZURE_* variables. And a fleet with a device in every state.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { DEFAULT_DEVICES, type RunningEmulator } from "../../emulator";
import { send } from "../http/send";
import { CLIENT_ID, CLIENT_SECRET, REPO_ROOT, TENANT_ID } from "../world";

export const COMMAND = path.join(REPO_ROOT, "dist/provider/apps/cli/main.js");

export interface CommandRun {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** The environment of a run against `emu`: only what the command needs, so the user's own cannot leak in. */
export function commandEnv(emu: RunningEmulator, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_EXTRA_CA_CERTS: emu.caCertPath,
        AZURE_TENANT_ID: TENANT_ID,
        AZURE_CLIENT_ID: CLIENT_ID,
        AZURE_CLIENT_SECRET: CLIENT_SECRET,
        ...extra,
    };
}

/** `--api-base-url` and `--authority-host` set to the emulator. */
export function at(emu: RunningEmulator): string[] {
    return ["--api-base-url", emu.url, "--authority-host", emu.url];
}

/** `nodeArgs` go to node before the command (e.g. `--require` a probe). */
export function runCommand(
    args: readonly string[],
    env: NodeJS.ProcessEnv,
    opts: { cwd?: string; timeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<CommandRun> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), COMMAND, ...args], {
            cwd: opts.cwd ?? REPO_ROOT,
            env,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`defender-isolation ${args.join(" ")} did not finish within ${opts.timeoutMs ?? 60_000} ms; stderr: ${stderr}`));
        }, opts.timeoutMs ?? 60_000);
        child.on("error", reject);
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr });
        });
    });
}

/** Defender API requests the emulator received (token traffic left out), as "METHOD path?query". */
export function apiRequests(emu: RunningEmulator): string[] {
    return emu
        .requests()
        .filter((r) => r.path.startsWith("/api/"))
        .map((r) => `${r.method} ${decodeURIComponent(r.url)}`);
}

export const D = DEFAULT_DEVICES;

/** What `seedEveryState` made: the action that decides each device's state. */
export interface SeededFleet {
    isolated: { machineId: string; actionId: string };
    selective: { machineId: string; actionId: string };
    released: { machineId: string; actionId: string };
    isolating: { machineId: string; actionId: string };
    releasing: { machineId: string; actionId: string; isolateId: string };
}

/** An isolate or unisolate through the API, as another tool would send it. */
export async function apiAction(emu: RunningEmulator, machineId: string, type: "isolate" | "unisolate", body: Record<string, string>): Promise<string> {
    const res = await send(
        emu.url,
        `/api/machines/${machineId}/${type}`,
        { body, token: emu.issueToken({ clientId: "5ca1ab1e-0000-4000-8000-00000000beef" }) },
        emu.caCertPath,
    );
    if (res.status !== 201) throw new Error(`${type} ${machineId}: ${res.status} ${res.text}`);
    return (res.json as { id: string }).id;
}

/**
 * One device in each state: fin-lt-042 isolated (Full, portal), fin-lt-043 isolated (Selective, by an
 * analyst), hr-lt-007 isolated then released, srv-sql-01 being isolated (pending), dsg-mac-11 isolated
 * with a release pending. The pending actions take `pendingMs` to start (default: longer than any test).
 */
export async function seedEveryState(emu: RunningEmulator, pendingMs = 3_600_000): Promise<SeededFleet> {
    const step = () => emu.advanceClock(1000);
    const oob = (id: string, kind: "isolate" | "release", o: Record<string, string> = {}) => {
        const r = kind === "isolate" ? emu.isolateOutOfBand(id, o) : emu.releaseOutOfBand(id, o);
        step();
        return (r.action as { id: string }).id;
    };
    const isolated = { machineId: D.finLaptop.id, actionId: oob(D.finLaptop.id, "isolate") };
    const selective = {
        machineId: D.finLaptop2.id,
        actionId: oob(D.finLaptop2.id, "isolate", { isolationType: "Selective", requestor: "analyst@contoso.com", comment: "INC-77 keep Teams" }),
    };
    oob(D.hrLaptop.id, "isolate");
    const released = { machineId: D.hrLaptop.id, actionId: oob(D.hrLaptop.id, "release") };
    const macIsolate = oob(D.macLaptop.id, "isolate");

    const delays = emu.config().actionDelays;
    emu.configure({ actionDelays: { toInProgressMs: pendingMs, toSucceededMs: 1000 } });
    const isolating = {
        machineId: D.sqlServer.id,
        actionId: await apiAction(emu, D.sqlServer.id, "isolate", { Comment: "SOAR playbook 12", IsolationType: "Full" }),
    };
    const releasing = {
        machineId: D.macLaptop.id,
        isolateId: macIsolate,
        actionId: await apiAction(emu, D.macLaptop.id, "unisolate", { Comment: "false positive" }),
    };
    emu.configure({ actionDelays: delays });
    step();
    return { isolated, selective, released, isolating, releasing };
}
