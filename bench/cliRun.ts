/**
 * The create, refresh, destroy and preview scenarios through the real `pulumi` CLI: a local file
 * backend and PULUMI_HOME in a throwaway workspace, the emulator with the scenario's windows, this
 * package installed from its npm-pack tarball (bench/cliProgram.ts). `pulumi up --yes --skip-preview`,
 * then (when the scenario says so) `pulumi refresh` and `pulumi destroy` of the same stack. Measured:
 * the command's wall time (spawn to exit), the API traffic (emulator's onRequest hook), the checkpoint
 * (stack file, `pulumi stack export`), the CLI's writes and every process's peak RSS (processWatch.ts).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, syntheticDevices } from "../emulator";
import { DEFAULT_RATE_LIMITS } from "../provider/defender/pacing";
import { stackConfigCommands, stackFlags } from "../scripts/engine/localStack";
import type { PulumiCli } from "../scripts/engine/findCli";
import { CliWorkspace, isolations, type StackExport } from "../testkit/cli/workspace";
import { REPO_ROOT } from "../testkit/world";
import { apiRecorder, isAccepted, type ApiRequest, type Bucket } from "../testkit/requests/apiLog";
import { FLEET_PROJECT, benchFleetProgram } from "./cliProgram";
import { scenarioEmulator, type RunOptions } from "./createRun";
import { idealOf } from "./ideal";
import { writeIncidentFolder } from "./previewRun";
import { watchFile, watchProcesses } from "./processWatch";
import type { CheckpointParts, CliResult, Milestones, Operation } from "./results";
import type { CreateScenario, Parallelism, PreviewScenario } from "./scenarios";
import type { Window } from "../testkit/requests/windows";
import type { RequestLogEntry } from "../emulator";

const STACK = "bench";
const CREDENTIALS = {
    tenantId: "00000000-0000-0000-0000-000000000001",
    clientId: "7d3f4c2a-9b1e-4f6d-8a2c-5e0b1d9c3f47",
    clientSecret: "bench-only-secret-value",
};

interface Measured {
    /** When the command was spawned (epoch ms). */
    spawnedAt: number;
    wallMs: number;
    code: number | null;
    output: string;
    requests: ApiRequest[];
    cost: ReturnType<ReturnType<typeof watchProcesses>["stop"]>;
    writes: { versions: number; bytes: number };
    /** The first token request the emulator received during the command (epoch ms). */
    tokenAt?: number;
    parallel: Parallelism;
}

/**
 * The API traffic of the emulator, plus when the first token request of each command arrived: the
 * provider host's sign-in, a milestone on the way to the first isolate.
 */
export function trafficRecorder(): ReturnType<typeof apiRecorder> & { firstTokenAt(): number | undefined } {
    const api = apiRecorder();
    let tokenAt: number | undefined;
    return {
        onRequest: (entry: RequestLogEntry) => {
            if (entry.route === "token" && tokenAt === undefined) tokenAt = Date.parse(entry.timestamp);
            api.onRequest(entry);
        },
        requests: api.requests,
        clear: () => {
            api.clear();
            tokenAt = undefined;
        },
        firstTokenAt: () => tokenAt,
    };
}

/** `--parallel N`, or nothing for the engine's default (PULUMI_PARALLEL is cleared by the workspace). */
export function parallelArgs(p: Parallelism): string[] {
    return p === "engine default" ? [] : ["--parallel", String(p)];
}

/** How a row names its parallelism: `--parallel N`, or the engine's default as the CLI computes it here. */
export function parallelLabel(p: Parallelism, cpus = os.availableParallelism()): string {
    return p === "engine default" ? `${4 * cpus} (default: 4 per CPU)` : String(p);
}

export async function measured(
    ws: CliWorkspace,
    args: string[],
    cwd: string,
    recorder: ReturnType<typeof trafficRecorder>,
    stackFile: () => string,
    timeoutMs: number,
    o: { parallel?: Parallelism; env?: NodeJS.ProcessEnv } = {},
): Promise<Measured> {
    recorder.clear();
    const parallel = o.parallel ?? "engine default";
    const procs = watchProcesses(String(ws.env.PULUMI_HOME));
    const file = watchFile(stackFile());
    const spawnedAt = Date.now();
    const r = await ws.run([...args, ...parallelArgs(parallel)], { cwd, timeoutMs, env: { PULUMI_PARALLEL: undefined, ...o.env } });
    return {
        spawnedAt,
        wallMs: r.ms,
        code: r.code,
        output: `${r.stdout}\n${r.stderr}`,
        requests: recorder.requests(),
        cost: procs.stop(),
        writes: file.stop(),
        tokenAt: recorder.firstTokenAt(),
        parallel,
    };
}

/**
 * Milliseconds after the spawn of each step on the way to the first isolate, for the steps seen.
 * Process starts are the kernel's, counted from the command's own process start (same clock, exact to
 * a tick); API traffic is the emulator's arrival time, counted from the spawn.
 */
export function milestonesOf(m: Measured): Milestones {
    const after = (t: number | undefined) => (t === undefined ? undefined : t - m.spawnedAt);
    const { cli, ...stages } = m.cost.started;
    const afterCli = (t: number | undefined) => (t === undefined || cli === undefined ? undefined : t - cli);
    const first = (f: (r: ApiRequest) => boolean) => after(m.requests.find(f)?.at);
    return {
        languageHostMs: afterCli(stages.languageHost),
        programMs: afterCli(stages.program),
        providerHostMs: afterCli(stages.providerHost),
        signInMs: after(m.tokenAt),
        firstReadMs: first((r) => (r.bucket === "machines.read" || r.bucket === "actions.read") && !r.statusPoll),
        firstIsolateMs: first((r) => r.bucket === "isolate"),
    };
}

/** The same windows, in any order. */
export function sameWindows(a: readonly Window[], b: readonly Window[]): boolean {
    const key = (ws: readonly Window[]) => JSON.stringify(ws.map((w) => [w.calls, w.perSeconds]).sort((x, y) => x[1] - y[1] || x[0] - y[0]));
    return a.length > 0 && key(a) === key(b);
}

function accepted(requests: readonly ApiRequest[]): Partial<Record<Bucket, number>> {
    const out: Partial<Record<Bucket, number>> = {};
    for (const r of requests) if (isAccepted(r)) out[r.bucket] = (out[r.bucket] ?? 0) + 1;
    return out;
}

/** Bytes per resource of the checkpoint, split: `__provider` (inputs + outputs), other inputs, other outputs, the rest. */
export function checkpointParts(state: StackExport): CheckpointParts {
    const rs = isolations(state);
    if (rs.length === 0) return { provider: 0, inputs: 0, outputs: 0, other: 0 };
    const len = (v: unknown) => Buffer.byteLength(JSON.stringify(v ?? {}));
    let provider = 0,
        inputs = 0,
        outputs = 0,
        other = 0;
    for (const r of rs) {
        const { __provider: pi, ...ins } = r.inputs ?? {};
        const { __provider: po, ...outs } = r.outputs ?? {};
        provider += len(pi ?? "") + len(po ?? "");
        inputs += len(ins);
        outputs += len(outs);
        other += len({ ...r, inputs: undefined, outputs: undefined });
    }
    const n = rs.length;
    return { provider: provider / n, inputs: inputs / n, outputs: outputs / n, other: other / n };
}

export function row(o: {
    scenario: string;
    operation: Operation;
    devices: number;
    m: Measured;
    windows: readonly Window[];
    floorCalls: number;
    actionMs: number;
    failed: number;
    checkpointBytes: number;
    parts: CheckpointParts;
    waitForCompletion?: boolean;
}): CliResult {
    const { m } = o;
    const calls = accepted(m.requests);
    const ideal = idealOf({ calls, windows: o.windows, isolations: o.floorCalls, actionMs: o.actionMs });
    const times = m.requests.map((r) => r.at);
    const busyMs = times.length > 0 ? Math.max(...times) - Math.min(...times) : 0;
    const lookups = m.requests.filter((r) => (r.bucket === "machines.read" || r.bucket === "actions.read") && !r.statusPoll).length;
    return {
        kind: "cli",
        engine: "cli",
        scenario: o.scenario,
        operation: o.operation,
        devices: o.devices,
        parallel: parallelLabel(m.parallel),
        waitForCompletion: o.waitForCompletion,
        milestones: milestonesOf(m),
        defenderWindows: sameWindows(o.windows, DEFAULT_RATE_LIMITS),
        isolatesPerDevice: o.devices > 0 ? m.requests.filter((r) => r.bucket === "isolate" && isAccepted(r)).length / o.devices : 0,
        wallMs: m.wallMs,
        idealMs: ideal.idealMs,
        ratio: ideal.idealMs > 0 ? m.wallMs / ideal.idealMs : NaN,
        boundBy: o.floorCalls === 0 && ideal.idealMs === 0 ? "none" : ideal.boundBy,
        rateLimited: m.requests.filter((r) => r.status === 429).length,
        failed: o.failed,
        exitCode: m.code,
        readsPerDevice: lookups / o.devices,
        checkpointBytes: o.checkpointBytes,
        checkpointPerResource: o.devices > 0 ? o.checkpointBytes / o.devices : 0,
        checkpointParts: o.parts,
        cliBytesWritten: m.cost.cliBytesWritten,
        checkpointVersions: m.writes.versions,
        checkpointBytesSeen: m.writes.bytes,
        peakRssMb: m.cost.peakRssMb,
        busyMs,
        overheadMs: m.wallMs - busyMs,
        tail: m.code === 0 ? "" : m.output.slice(-600),
    };
}

export function stackFileIn(backendDir: string, project: string): string {
    return path.join(backendDir, ".pulumi", "stacks", project, `${STACK}.json`);
}

/** Stack init and the provider pointed at the emulator, in a fresh workspace. */
export async function prepare(
    ws: CliWorkspace,
    cwd: string,
    emulatorUrl: string,
    configFile: string,
    extra: Record<string, string>,
    pollIntervalSeconds: number,
): Promise<void> {
    await ws.ok(["stack", "init", STACK, "--non-interactive"], { cwd });
    // `stack init` takes no --config-file: it writes the passphrase's salt beside the project's Pulumi.yaml.
    const written = path.join(cwd, `Pulumi.${STACK}.yaml`);
    if (written !== configFile && fs.existsSync(written)) fs.renameSync(written, configFile);
    for (const c of stackConfigCommands({ stack: STACK, configFile, emulatorUrl, credentials: CREDENTIALS, pollIntervalSeconds })) {
        await ws.ok(c.args, { cwd, stdin: c.stdin });
    }
    for (const [k, v] of Object.entries(extra)) await ws.ok(["config", "set", "--stack", STACK, "--config-file", configFile, k, v], { cwd });
}

/** The scenario once per parallelism it names, each in a fresh emulator and workspace. */
export async function runCliCreateScenario(s: CreateScenario, cli: PulumiCli, opts: RunOptions = {}): Promise<CliResult[]> {
    const rows: CliResult[] = [];
    for (const parallel of s.parallel ?? ["engine default"]) rows.push(...(await runCliCreateOnce(s, parallel, cli, opts)));
    return rows;
}

/** create (`pulumi up`), then the scenario's follow-ups (`pulumi refresh`, `pulumi destroy`) on the same stack. */
async function runCliCreateOnce(s: CreateScenario, parallel: Parallelism, cli: PulumiCli, opts: RunOptions): Promise<CliResult[]> {
    const log = opts.log ?? (() => undefined);
    const recorder = trafficRecorder();
    const program = benchFleetProgram();
    const emulator = await startEmulator({ tls: { dir: path.join(REPO_ROOT, ".state", "emulator-tls") }, ...scenarioEmulator(s, recorder) });
    const ws = new CliWorkspace(cli, { caCertPath: emulator.caCertPath, prefix: "bench-cli-" });
    const timeoutMs = 30 * 60_000;
    try {
        const devicesFile = path.join(ws.dir, "devices.json");
        fs.writeFileSync(devicesFile, JSON.stringify(syntheticDevices(s.devices).map((d) => d.id)));
        const configFile = path.join(ws.dir, `Pulumi.${STACK}.yaml`);
        await prepare(
            ws,
            program,
            emulator.url,
            configFile,
            {
                "defender:rateLimits": JSON.stringify(s.configured),
                devicesFile,
                waitForCompletion: String(s.waitForCompletion),
            },
            s.pollIntervalSeconds,
        );
        const file = () => stackFileIn(ws.backendDir, FLEET_PROJECT);
        const flags = stackFlags(STACK, configFile);
        const actionMs = s.waitForCompletion ? s.actionDelays.toInProgressMs + s.actionDelays.toSucceededMs : 0;
        const after = async () => {
            const state = await ws.exportStack(STACK, program);
            return { state, bytes: fs.statSync(file()).size };
        };
        log(`${s.name} (cli): pulumi up of ${s.devices} devices, parallel ${parallelLabel(parallel)}`);
        const up = await measured(ws, ["up", "--yes", "--skip-preview", ...flags], program, recorder, file, timeoutMs, { parallel });
        let st = await after();
        const held = isolations(st.state).filter((r) => r.id).length;
        const rows = [
            row({
                scenario: s.name,
                operation: "create",
                devices: s.devices,
                m: up,
                windows: s.enforced,
                floorCalls: s.devices,
                actionMs,
                failed: s.devices - held,
                checkpointBytes: st.bytes,
                parts: checkpointParts(st.state),
                waitForCompletion: s.waitForCompletion,
            }),
        ];
        rows[0].sampleResource = JSON.stringify(isolations(st.state)[0]);
        if (s.followUps) {
            const n = s.devices;
            emulator.configure({ rateLimits: { windows: s.followUps.refreshWindows, retryAfterHeader: true } });
            await ws.ok(["config", "set", "--stack", STACK, "--config-file", configFile, "defender:rateLimits", JSON.stringify(s.followUps.refreshWindows)], {
                cwd: program,
            });
            log(`${s.name} (cli): pulumi refresh of ${n}`);
            const refresh = await measured(ws, ["refresh", "--yes", "--skip-preview", ...flags], program, recorder, file, timeoutMs, { parallel });
            st = await after();
            const kept = isolations(st.state).filter((r) => r.id).length;
            rows.push(
                row({
                    scenario: `refresh-${n}`,
                    operation: "refresh",
                    devices: n,
                    m: refresh,
                    windows: s.followUps.refreshWindows,
                    floorCalls: 0,
                    actionMs: 0,
                    failed: n - kept,
                    checkpointBytes: st.bytes,
                    parts: checkpointParts(st.state),
                }),
            );

            emulator.configure({ rateLimits: { windows: s.enforced, retryAfterHeader: true } });
            await ws.ok(["config", "set", "--stack", STACK, "--config-file", configFile, "defender:rateLimits", JSON.stringify(s.configured)], {
                cwd: program,
            });
            log(`${s.name} (cli): pulumi destroy of ${n}`);
            const destroy = await measured(ws, ["destroy", "--yes", "--skip-preview", ...flags], program, recorder, file, timeoutMs, { parallel });
            st = await after();
            const left = isolations(st.state).length;
            // A release accepted but not finished yet (no-wait scenarios) is not a failure; an isolation nobody releases is.
            const releasing = new Set(
                emulator
                    .state()
                    .actions.filter((a) => a.type === "Unisolate" && a.status !== "Failed" && a.status !== "Cancelled" && a.status !== "TimeOut")
                    .map((a) => a.machineId),
            );
            const stillIsolated = emulator.state().machines.filter((m) => m.isolation.isolated && !releasing.has(m.id)).length;
            rows.push(
                row({
                    scenario: `destroy-${n}`,
                    operation: "destroy",
                    devices: n,
                    m: destroy,
                    windows: s.enforced,
                    floorCalls: n,
                    actionMs: 0,
                    failed: Math.max(left, stillIsolated),
                    checkpointBytes: st.bytes,
                    parts: checkpointParts(st.state),
                }),
            );
        }
        return rows;
    } finally {
        ws.remove();
        await emulator.stop();
    }
}

/** `pulumi preview` of the repo's GitOps program over a generated incident folder, devices declared by machineId. */
export async function runCliPreviewScenario(s: PreviewScenario, cli: PulumiCli, opts: RunOptions = {}): Promise<CliResult> {
    const log = opts.log ?? (() => undefined);
    const recorder = trafficRecorder();
    const folder = writeIncidentFolder(s.devices, s.incidents);
    const emulator = await startEmulator({
        tls: { dir: path.join(REPO_ROOT, ".state", "emulator-tls") },
        fleet: { generate: s.devices },
        requestLogLimit: 0,
        onRequest: recorder.onRequest,
    });
    const ws = new CliWorkspace(cli, { caCertPath: emulator.caCertPath, prefix: "bench-cli-preview-" });
    try {
        const configFile = path.join(ws.dir, `Pulumi.${STACK}.yaml`);
        await prepare(ws, REPO_ROOT, emulator.url, configFile, { incidentsDir: folder.dir, maxDevices: String(s.devices) }, 1);
        log(`${s.name} (cli): pulumi preview of ${s.devices} devices`);
        const m = await measured(
            ws,
            ["preview", ...stackFlags(STACK, configFile)],
            REPO_ROOT,
            recorder,
            () => stackFileIn(ws.backendDir, "defender-incidents"),
            10 * 60_000,
        );
        // The stack resource itself is one of the creates of a first preview.
        const creates = /(\d+) to create/.exec(m.output);
        const declared = Math.max(0, Number(creates?.[1] ?? 0) - 1);
        return row({
            scenario: s.name,
            operation: "preview",
            devices: s.devices,
            m,
            windows: [],
            floorCalls: 0,
            actionMs: 0,
            failed: m.code === 0 ? Math.max(0, s.devices - declared) : s.devices,
            checkpointBytes: 0,
            parts: { provider: 0, inputs: 0, outputs: 0, other: 0 },
        });
    } finally {
        ws.remove();
        await emulator.stop();
        folder.cleanup();
    }
}
