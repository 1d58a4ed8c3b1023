/**
 * A new incident on a GitOps stack that already holds isolations, through the real CLI: the
 * repository's root project (its program, `refresh: always`) with a throwaway stack whose incident
 * folder lists `held` devices. Setup: `pulumi up` of those under windows that do not bind (the
 * emulator's limits off, the provider's loose). Measured: a new incident file of `added` devices and
 * `pulumi up` under Defender's windows, as the example workflow runs it: the time to the first isolate
 * (how long it waits for the refresh of the others), the command's wall time and its API traffic.
 * One row per refresh mode (PULUMI_RUN_PROGRAM) and parallelism, each from a fresh emulator and stack.
 */
import * as fs from "fs";
import * as path from "path";
import { startEmulator, syntheticDevices } from "../emulator";
import { stackFlags } from "../scripts/engine/localStack";
import { parallelFlags } from "../scripts/engine/parallelism";
import type { PulumiCli } from "../scripts/engine/findCli";
import { CliWorkspace, isolations } from "../testkit/cli/workspace";
import { REPO_ROOT } from "../testkit/world";
import type { Window } from "../testkit/requests/windows";
import { measured, parallelLabel, prepare, row, stackFileIn, trafficRecorder } from "./cliRun";
import type { RunOptions } from "./createRun";
import type { CliResult } from "./results";
import type { IncidentScenario, Parallelism } from "./scenarios";

const STACK = "bench";
const PROJECT = "defender-incidents";
/** Setup only: the provider's windows loose enough never to wait. */
const LOOSE: Window[] = [{ calls: 100_000, perSeconds: 1 }];

function writeIncident(dir: string, id: string, machineIds: readonly string[]): void {
    const lines = [`incident: ${id}`, `title: Ransomware wave ${id}`, "isolate:", ...machineIds.map((m) => `  - machineId: ${m}`)];
    fs.writeFileSync(path.join(dir, `${id.toLowerCase()}.yaml`), `${lines.join("\n")}\n`);
}

export async function runCliIncidentScenario(s: IncidentScenario, cli: PulumiCli, opts: RunOptions = {}): Promise<CliResult[]> {
    const rows: CliResult[] = [];
    for (const runProgram of s.runProgram) for (const parallel of s.parallel) rows.push(await runOnce(s, runProgram, parallel, cli, opts));
    return rows;
}

async function runOnce(s: IncidentScenario, runProgram: boolean, parallel: Parallelism, cli: PulumiCli, opts: RunOptions): Promise<CliResult> {
    const log = opts.log ?? (() => undefined);
    const recorder = trafficRecorder();
    const fleet = syntheticDevices(s.held + s.added).map((d) => d.id);
    const emulator = await startEmulator({
        tls: { dir: path.join(REPO_ROOT, ".state", "emulator-tls") },
        fleet: { generate: fleet.length },
        rateLimits: false,
        actionDelays: s.actionDelays,
        requestLogLimit: 0,
        onRequest: recorder.onRequest,
    });
    const ws = new CliWorkspace(cli, { caCertPath: emulator.caCertPath, prefix: "bench-cli-incident-" });
    const timeoutMs = 30 * 60_000;
    try {
        const incidentsDir = path.join(ws.dir, "incidents");
        fs.mkdirSync(incidentsDir);
        const perFile = 50;
        for (let i = 0; i * perFile < s.held; i++)
            writeIncident(incidentsDir, `INC-${5000 + i}`, fleet.slice(i * perFile, Math.min(s.held, (i + 1) * perFile)));
        const configFile = path.join(ws.dir, `Pulumi.${STACK}.yaml`);
        const set = (key: string, value: string) => ws.ok(["config", "set", "--stack", STACK, "--config-file", configFile, key, value], { cwd: REPO_ROOT });
        await prepare(
            ws,
            REPO_ROOT,
            emulator.url,
            configFile,
            {
                incidentsDir,
                maxDevices: String(fleet.length),
                "defender:rateLimits": JSON.stringify(LOOSE),
            },
            s.pollIntervalSeconds,
        );
        const flags = stackFlags(STACK, configFile);
        const file = () => stackFileIn(ws.backendDir, PROJECT);
        if (s.held > 0) {
            log(`${s.name} (cli): setup, pulumi up of ${s.held} devices`);
            await ws.ok(["up", "--yes", "--skip-preview", ...parallelFlags(), ...flags], { cwd: REPO_ROOT, timeoutMs });
        }
        const heldBefore = isolations(await ws.exportStack(STACK, REPO_ROOT)).length;
        if (heldBefore !== s.held) throw new Error(`${s.name}: the setup left ${heldBefore} isolations in the stack, not ${s.held}`);

        await set("defender:rateLimits", JSON.stringify(s.windows));
        emulator.configure({ rateLimits: { windows: s.windows, retryAfterHeader: true } });
        writeIncident(incidentsDir, "INC-9001", fleet.slice(s.held));
        const label = `${runProgram ? "with" : "before"} the program, parallel ${parallelLabel(parallel)}`;
        log(`${s.name} (cli): pulumi up of a new incident of ${s.added} devices, refresh ${label}`);
        const m = await measured(ws, ["up", "--yes", "--skip-preview", ...flags], REPO_ROOT, recorder, file, timeoutMs, {
            parallel,
            env: { PULUMI_RUN_PROGRAM: String(runProgram) },
        });
        const state = await ws.exportStack(STACK, REPO_ROOT);
        const held = new Set(isolations(state).map((r) => (typeof r.outputs?.machineId === "string" ? r.outputs.machineId : "")));
        const r = row({
            scenario: s.name,
            operation: "incident",
            devices: s.added,
            m,
            windows: s.windows,
            floorCalls: s.added,
            actionMs: s.actionDelays.toInProgressMs + s.actionDelays.toSucceededMs,
            failed: fleet.filter((id) => !held.has(id)).length,
            checkpointBytes: fs.statSync(file()).size,
            parts: { provider: NaN, inputs: NaN, outputs: NaN, other: NaN },
            waitForCompletion: true,
        });
        return { ...r, runProgram, held: s.held };
    } finally {
        ws.remove();
        await emulator.stop();
    }
}
