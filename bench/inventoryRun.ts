/**
 * One inventory scenario: `defender-isolation status --json` run as a user runs it (a child process,
 * HTTPS, the real credential) against the emulator holding a fleet with a long isolation history,
 * with Defender's documented limits (the client's DEFAULT_RATE_LIMITS) enforced on every API. Measures the requests it made per API
 * budget, the wall time against what those limits allow, and the command's peak RSS.
 *
 * The fleet: every device has isolation history (isolated and released in turn); at the end 60% are
 * released, 30% isolated, 5% being isolated (a pending isolate) and 5% being released (with
 * `allHeld`: none released, 90% isolated). The history is written out of band (as from the portal),
 * the pending actions through the API.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { startEmulator, syntheticDevices, type RunningEmulator } from "../emulator";
import { DEFAULT_RATE_LIMITS } from "../provider/defender";
import { apiAction, at, commandEnv, runCommand } from "../testkit/cli/command";
import { REPO_ROOT } from "../testkit/world";
import { apiRecorder, BUCKETS, isAccepted, type Bucket } from "../testkit/requests/apiLog";
import type { RunOptions } from "./createRun";
import type { InventoryResult } from "./results";
import type { InventoryScenario } from "./scenarios";
import { minimumIssueTimeMs } from "../testkit/requests/windows";

const PROBE = path.join(REPO_ROOT, "dist/bench/rssProbe.js");

type Final = "released" | "isolated" | "isolating" | "releasing";

/** The action history of device i, and the state it ends in (see the file's comment). */
export function historyOf(i: number, actionsPerDevice: number, allHeld = false): { history: Array<"isolate" | "release">; final: Final } {
    const slot = i % 20;
    const final: Final = slot < (allHeld ? 0 : 12) ? "released" : slot < 18 ? "isolated" : slot === 18 ? "isolating" : "releasing";
    const pending = final === "isolating" || final === "releasing" ? 1 : 0;
    const n = actionsPerDevice - pending;
    // Alternate so that the history ends where the final state needs it: released before a pending
    // isolate, isolated before a pending release.
    const endsIsolated = final === "isolated" || final === "releasing";
    const history = Array.from({ length: n }, (_, k) => (((n - 1 - k) % 2 === 0) === endsIsolated ? ("isolate" as const) : ("release" as const)));
    return { history, final };
}

export async function seedInventoryFleet(
    emu: RunningEmulator,
    devices: number,
    actionsPerDevice: number,
    allHeld = false,
): Promise<{ actions: number; finals: Record<Final, number> }> {
    const fleet = syntheticDevices(devices);
    const plans = fleet.map((d, i) => ({ id: d.id, ...historyOf(i, actionsPerDevice, allHeld) }));
    const finals: Record<Final, number> = { released: 0, isolated: 0, isolating: 0, releasing: 0 };
    plans.forEach((p) => finals[p.final]++);
    const rounds = Math.max(...plans.map((p) => p.history.length));
    for (let k = 0; k < rounds; k++) {
        for (const p of plans) {
            const step = p.history[k];
            if (step === "isolate") emu.isolateOutOfBand(p.id);
            else if (step === "release") emu.releaseOutOfBand(p.id);
        }
        emu.advanceClock(60_000); // each round finishes a minute after the last: completion order is unambiguous
    }
    const saved = emu.config();
    // The pending actions are written by another tool: they take none of the command's rate budget.
    emu.configure({ rateLimits: false, actionDelays: { toInProgressMs: 24 * 3600_000, toSucceededMs: 1000 } });
    const pending = plans.filter((p) => p.final === "isolating" || p.final === "releasing");
    for (let i = 0; i < pending.length; i += 25) {
        await Promise.all(
            pending
                .slice(i, i + 25)
                .map((p) =>
                    p.final === "isolating"
                        ? apiAction(emu, p.id, "isolate", { Comment: "SOAR playbook", IsolationType: "Full" })
                        : apiAction(emu, p.id, "unisolate", { Comment: "false positive" }),
                ),
        );
    }
    emu.configure({ rateLimits: { windows: [...DEFAULT_RATE_LIMITS], retryAfterHeader: true }, actionDelays: saved.actionDelays });
    return { actions: emu.state().actions.length, finals };
}

export async function runInventoryScenario(s: InventoryScenario, opts: RunOptions = {}): Promise<InventoryResult> {
    const log = opts.log ?? (() => undefined);
    const recorder = apiRecorder();
    const emu = await startEmulator({
        fleet: { devices: [], generate: s.devices },
        rateLimits: { windows: [...DEFAULT_RATE_LIMITS], retryAfterHeader: true },
        requestLogLimit: 0,
        onRequest: recorder.onRequest,
        ...(s.maxPageSize !== undefined ? { maxPageSize: s.maxPageSize } : {}),
    });
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-inventory-"));
    try {
        const seedStart = performance.now();
        const seeded = await seedInventoryFleet(emu, s.devices, s.actionsPerDevice, s.allHeld ?? false);
        log(
            `${s.name}: ${s.devices} devices, ${seeded.actions} actions seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s; running defender-isolation status`,
        );

        recorder.clear();
        const rssFile = path.join(tmp, "rss");
        const start = performance.now();
        const run = await runCommand(["status", "--json", ...at(emu)], commandEnv(emu, { BENCH_RSS_FILE: rssFile }), {
            nodeArgs: ["--require", PROBE],
            timeoutMs: 30 * 60_000,
        });
        const wallMs = performance.now() - start;
        if (run.code !== 0) throw new Error(`${s.name}: defender-isolation exited ${run.code}: ${run.stderr}`);
        const report = JSON.parse(run.stdout) as { devices: unknown[]; summary: Record<string, number> };

        const requests = recorder.requests();
        const accepted: Partial<Record<Bucket, number>> = {};
        for (const b of BUCKETS) {
            const n = requests.filter((r) => r.bucket === b && isAccepted(r)).length;
            if (n > 0) accepted[b] = n;
        }
        const idealMs = Math.max(0, ...Object.values(accepted).map((n) => minimumIssueTimeMs(n, DEFAULT_RATE_LIMITS)));
        const pageSize = Math.min(10_000, s.maxPageSize ?? 10_000);
        const held = seeded.finals.isolated + seeded.finals.isolating + seeded.finals.releasing;
        return {
            kind: "inventory",
            scenario: s.name,
            devices: s.devices,
            actions: seeded.actions,
            listed: report.devices.length,
            summary: report.summary,
            requests: requests.length,
            rateLimited: requests.filter((r) => r.status === 429).length,
            accepted,
            targetRequests: Math.ceil(seeded.actions / pageSize) + 1 + Math.ceil(s.devices / 50),
            heldDevices: held,
            wallMs,
            idealMs,
            peakRssMb: Number(fs.readFileSync(rssFile, "utf8")) / 1024,
            expected: seeded.finals,
        };
    } finally {
        await emu.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}
