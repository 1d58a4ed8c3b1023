/**
 * The create, refresh, destroy and preview scenarios through the real `pulumi` CLI: a local file
 * backend and PULUMI_HOME in a throwaway workspace, the emulator with the scenario's windows, this
 * package installed from its npm-pack tarball (bench/cliProgram.ts). `pulumi up --yes --skip-preview`,
 * then (when the scenario says so) `pulumi refresh` and `pulumi destroy` of the same stack. Measured:
 * the command's wall time (spawn to exit), the API traffic (emulator's onRequest hook), the checkpoint
 * (stack file, `pulumi stack export`), the CLI's writes and every process's peak RSS (processWatch.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { startEmulator, syntheticDevices } from "../emulator";
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
import type { CheckpointParts, CliResult, Operation } from "./results";
import type { CreateScenario, PreviewScenario } from "./scenarios";
import type { Window } from "../testkit/requests/windows";

const STACK = "bench";
const CREDENTIALS = {
    tenantId: "00000000-0000-0000-0000-000000000001",
    clientId: "7d3f4c2a-9b1e-4f6d-8a2c-5e0b1d9c3f47",
    clientSecret: "bench-only-secret-value",
};

interface Measured {
    wallMs: number;
    code: number | null;
    output: string;
    requests: ApiRequest[];
    cost: ReturnType<ReturnType<typeof watchProcesses>["stop"]>;
    writes: { versions: number; bytes: number };
}

async function measured(
    ws: CliWorkspace,
    args: string[],
    cwd: string,
    recorder: ReturnType<typeof apiRecorder>,
    stackFile: () => string,
    timeoutMs: number,
): Promise<Measured> {
    recorder.clear();
    const procs = watchProcesses(String(ws.env.PULUMI_HOME));
    const file = watchFile(stackFile());
    const r = await ws.run(args, { cwd, timeoutMs });
    return { wallMs: r.ms, code: r.code, output: `${r.stdout}\n${r.stderr}`, requests: recorder.requests(), cost: procs.stop(), writes: file.stop() };
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

function row(o: {
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

function stackFileIn(backendDir: string, project: string): string {
    return path.join(backendDir, ".pulumi", "stacks", project, `${STACK}.json`);
}

/** Stack init and the provider pointed at the emulator, in a fresh workspace. */
async function prepare(
    ws: CliWorkspace,
    cwd: string,
    emulatorUrl: string,
    configFile: string,
    extra: Record<string, string>,
    pollIntervalSeconds: number,
): Promise<void> {
    await ws.ok(["stack", "init", STACK, "--non-interactive"], { cwd });
    for (const c of stackConfigCommands({ stack: STACK, configFile, emulatorUrl, credentials: CREDENTIALS, pollIntervalSeconds })) {
        await ws.ok(c.args, { cwd, stdin: c.stdin });
    }
    for (const [k, v] of Object.entries(extra)) await ws.ok(["config", "set", "--stack", STACK, "--config-file", configFile, k, v], { cwd });
}

/** create (`pulumi up`), then the scenario's follow-ups (`pulumi refresh`, `pulumi destroy`) on the same stack. */
export async function runCliCreateScenario(s: CreateScenario, cli: PulumiCli, opts: RunOptions = {}): Promise<CliResult[]> {
    const log = opts.log ?? (() => undefined);
    const recorder = apiRecorder();
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
        log(`${s.name} (cli): pulumi up of ${s.devices} devices`);
        const up = await measured(ws, ["up", "--yes", "--skip-preview", ...flags], program, recorder, file, timeoutMs);
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
            const refresh = await measured(ws, ["refresh", "--yes", "--skip-preview", ...flags], program, recorder, file, timeoutMs);
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
            const destroy = await measured(ws, ["destroy", "--yes", "--skip-preview", ...flags], program, recorder, file, timeoutMs);
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
    const recorder = apiRecorder();
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
