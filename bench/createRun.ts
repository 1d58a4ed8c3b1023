/**
 * One create scenario, the way `pulumi up` runs it: the emulator with a synthetic fleet and the
 * scenario's windows, the real provider host configured as the engine does, every declaration
 * registered (setMocks) and checked, then every create sent at once and timed until the last answer:
 * the engine with slots for all of them (`--parallel 1500`, scripts/engine/parallelism.ts; its default
 * is 4 per CPU, which the CLI rows measure too).
 */
import { performance } from "perf_hooks";
import { syntheticDevices } from "../emulator";
import { DeviceIsolation } from "../provider";
import { captureRegistrations } from "../testkit/host/registration";
import type { PropertyMap, ProviderHost } from "../testkit/host/providerHost";
import { RESOURCE_TYPE, startWorld, type World } from "../testkit/world";
import type { EmulatorOptions } from "../emulator";
import { apiRecorder, BUCKETS, isAccepted, type ApiRequest, type Bucket } from "../testkit/requests/apiLog";
import { idealOf } from "./ideal";
import { peakRssMb } from "./processMemory";
import type { CliResult, CreateResult } from "./results";
import type { CreateScenario } from "./scenarios";
import { maxInAnyWindow, minimumIssueTimeMs, type Window } from "../testkit/requests/windows";

export interface RunOptions {
    /** Progress lines. @default none */
    log?: (line: string) => void;
}

/** The emulator a create scenario runs against, the same for both engines: its fleet, windows, delays and quirks. */
export function scenarioEmulator(s: CreateScenario, recorder: ReturnType<typeof apiRecorder>): EmulatorOptions {
    return {
        fleet: { generate: s.devices },
        rateLimits: { windows: s.enforced, retryAfterHeader: true },
        actionDelays: s.actionDelays,
        quirks: { filterInSupported: s.filterInSupported ?? true },
        requestLogLimit: 0,
        onRequest: recorder.onRequest,
    };
}

export async function runCreateScenario(s: CreateScenario, opts: RunOptions = {}): Promise<CreateResult> {
    const log = opts.log ?? (() => undefined);
    const recorder = apiRecorder();
    // Every host call is bounded: three times the floor of the busiest budget, plus slack for startup.
    const boundMs = 3 * (minimumIssueTimeMs(2 * s.devices, s.enforced) + s.actionDelays.toInProgressMs + s.actionDelays.toSucceededMs) + 120_000;
    const world = await startWorld({
        emulator: scenarioEmulator(s, recorder),
        config: { rateLimits: JSON.stringify(s.configured), pollIntervalSeconds: String(s.pollIntervalSeconds) },
        callTimeoutMs: boundMs,
    });
    try {
        const prepStart = performance.now();
        const devices = syntheticDevices(s.devices);
        const registered = (
            await captureRegistrations(
                () => {
                    devices.forEach(
                        (d, i) =>
                            new DeviceIsolation(`bench-${i}`, {
                                machineId: d.id,
                                comment: "INC-9001 ransomware outbreak: contain",
                                waitForCompletion: s.waitForCompletion,
                            }),
                    );
                },
                { timeoutMs: boundMs },
            )
        ).filter((r) => r.type === RESOURCE_TYPE);
        const checked = await Promise.all(registered.map((r) => world.host.check(r.urn, {}, r.inputs)));
        const refused = checked.find((c) => c.failures.length > 0);
        if (refused) throw new Error(`${s.name}: check refused a declaration: ${JSON.stringify(refused.failures)}`);
        const prepMs = performance.now() - prepStart;
        log(`${s.name}: ${registered.length} declarations registered and checked in ${(prepMs / 1000).toFixed(1)} s; creating`);

        recorder.clear();
        const start = performance.now();
        const outcomes = await Promise.allSettled(registered.map((r, i) => world.host.create(r.urn, checked[i].inputs)));
        const wallMs = performance.now() - start;

        const requests = recorder.requests();
        const failures = outcomes.flatMap((o) =>
            o.status === "rejected" ? [String((o.reason as Error)?.message ?? o.reason)] : o.value.id === "" ? ["empty id"] : [],
        );
        const ideal = idealOf({
            calls: acceptedPerBucket(requests),
            windows: s.enforced,
            isolations: s.devices,
            actionMs: s.waitForCompletion ? s.actionDelays.toInProgressMs + s.actionDelays.toSucceededMs : 0,
        });
        const count = (keep: (r: ApiRequest) => boolean) => requests.filter(keep).length / s.devices;
        const followUps = s.followUps
            ? await hostFollowUps(
                  s,
                  world,
                  registered.map((r, i) => ({ urn: r.urn, created: outcomes[i] })),
                  recorder,
                  log,
              )
            : undefined;
        return {
            kind: "create",
            scenario: s.name,
            devices: s.devices,
            waitForCompletion: s.waitForCompletion,
            configured: s.configured,
            enforced: s.enforced,
            wallMs,
            idealMs: ideal.idealMs,
            ratio: wallMs / ideal.idealMs,
            boundBy: ideal.boundBy,
            floorMs: ideal.floorMs,
            floorRatio: wallMs / ideal.floorMs,
            rateLimited: requests.filter((r) => r.status === 429).length,
            failed: failures.length,
            duplicateIsolates: duplicateIsolates(world.emulator.state().actions),
            accepted: acceptedPerBucket(requests),
            perDevice: {
                isolate: count((r) => r.bucket === "isolate"),
                reads: count((r) => (r.bucket === "machines.read" || r.bucket === "actions.read") && !r.statusPoll),
                statusPolls: count((r) => r.statusPoll),
            },
            peakInWindow: peakPerBucket(requests, s.enforced[0].perSeconds * 1000),
            prepMs,
            hostPeakRssMb: peakRssMb(world.host.pid),
            providerBytes: Buffer.byteLength([registered[0]?.inputs.__provider].find((p): p is string => typeof p === "string") ?? ""),
            failures: failures.slice(0, 3).map((f) => f.slice(0, 300)),
            followUps,
        };
    } finally {
        await world.stop();
    }
}

function acceptedPerBucket(requests: readonly ApiRequest[]): Partial<Record<Bucket, number>> {
    const out: Partial<Record<Bucket, number>> = {};
    for (const r of requests) if (isAccepted(r)) out[r.bucket] = (out[r.bucket] ?? 0) + 1;
    return out;
}

function peakPerBucket(requests: readonly ApiRequest[], windowMs: number): Partial<Record<Bucket, number>> {
    const out: Partial<Record<Bucket, number>> = {};
    for (const b of BUCKETS) {
        const times = requests.filter((r) => r.bucket === b).map((r) => r.at);
        if (times.length > 0) out[b] = maxInAnyWindow(times, windowMs);
    }
    return out;
}

function duplicateIsolates(actions: ReadonlyArray<{ type: string; machineId: string }>): number {
    const perDevice = new Map<string, number>();
    for (const a of actions) if (a.type === "Isolate") perDevice.set(a.machineId, (perDevice.get(a.machineId) ?? 0) + 1);
    return [...perDevice.values()].filter((n) => n > 1).length;
}

type Created = { urn: string; created: PromiseSettledResult<{ id: string; properties: PropertyMap }> };

/** refresh then destroy of every created resource, each through a new configured host (a new engine command). */
async function hostFollowUps(
    s: CreateScenario,
    world: World,
    created: readonly Created[],
    recorder: ReturnType<typeof apiRecorder>,
    log: (line: string) => void,
): Promise<CliResult[]> {
    const held = created.flatMap((c) =>
        c.created.status === "fulfilled" && c.created.value.id !== "" ? [{ urn: c.urn, id: c.created.value.id, props: c.created.value.properties }] : [],
    );
    const windows = s.followUps!.refreshWindows;
    const step = async (
        operation: "refresh" | "destroy",
        w: readonly Window[],
        call: (host: ProviderHost, r: (typeof held)[number]) => Promise<boolean>,
    ): Promise<CliResult> => {
        world.emulator.configure({ rateLimits: { windows: [...w], retryAfterHeader: true } });
        const host = await world.nextDeployment({ rateLimits: JSON.stringify(operation === "refresh" ? windows : s.configured) });
        log(`${s.name}: ${operation} of ${held.length} through the host`);
        recorder.clear();
        const start = performance.now();
        const outcomes = await Promise.allSettled(held.map((r) => call(host, r)));
        const wallMs = performance.now() - start;
        const requests = recorder.requests();
        const ideal = idealOf({ calls: acceptedPerBucket(requests), windows: w, isolations: operation === "destroy" ? held.length : 0, actionMs: 0 });
        const times = requests.map((r) => r.at);
        const busyMs = times.length > 0 ? Math.max(...times) - Math.min(...times) : 0;
        return {
            kind: "cli",
            engine: "host",
            scenario: `${operation}-${s.devices}`,
            operation,
            devices: held.length,
            wallMs,
            idealMs: ideal.idealMs,
            ratio: ideal.idealMs > 0 ? wallMs / ideal.idealMs : NaN,
            boundBy: ideal.idealMs === 0 ? "none" : ideal.boundBy,
            rateLimited: requests.filter((r) => r.status === 429).length,
            failed: outcomes.filter((o) => o.status === "rejected" || o.value === false).length,
            exitCode: null,
            readsPerDevice: requests.filter((r) => (r.bucket === "machines.read" || r.bucket === "actions.read") && !r.statusPoll).length / held.length,
            checkpointBytes: NaN,
            checkpointPerResource: NaN,
            checkpointParts: { provider: NaN, inputs: NaN, outputs: NaN, other: NaN },
            cliBytesWritten: NaN,
            checkpointVersions: NaN,
            checkpointBytesSeen: NaN,
            peakRssMb: { cli: NaN, language: NaN, provider: peakRssMb(host.pid) },
            busyMs,
            overheadMs: wallMs - busyMs,
            tail: "",
        };
    };
    const refresh = await step("refresh", windows, async (host, r) => (await host.read(r.id, r.urn, r.props)).id === r.id);
    const destroy = await step("destroy", s.enforced, async (host, r) => {
        await host.delete(r.id, r.urn, r.props);
        return true;
    });
    return [refresh, destroy];
}
