/**
 * 5xx, timeouts and lost connections on every endpoint the lifecycle uses, through the real provider
 * host: a burst (the next calls fail: a 503, a dropped connection, a timeout) and an outage (every call
 * fails, alternately 500 and timeout, until the user runs the command again). Each
 * journey (up, then destroy --refresh, each command run again while it fails) must converge, the
 * contract's promise for that endpoint must hold, and the five invariants must hold at its end.
 */
import { strict as assert } from "assert";
import { DEFAULT_DEVICES, type FaultSpec } from "../../../emulator";
import type { DeviceIsolationArgs } from "../../../provider";
import { journey, type Phase } from "../../../testkit/faults/faultJourney";
import { describeScenarios, type Scenario } from "../../../testkit/faults/faultLanes";
import { HANG_MS, type OpResult, type Rig } from "../../../testkit/faults/faultRig";

const LAPTOP = DEFAULT_DEVICES.finLaptop;
const OFFLINE = DEFAULT_DEVICES.offlineLaptop;
const OUTAGE_CALLS = 40;
/**
 * Entra's routes: @azure/identity retries 5xx and dropped connections itself, within the request
 * timeout that bounds the whole token request; their outages are 500s only.
 */
const ENTRA = new Set(["token", "discovery"]);

/** A token request that times out fails the command (tokens.test.ts): Entra's bursts leave it out. */
const burst = (route: string): FaultSpec[] => [
    { route, kind: "status", status: 503 },
    { route, kind: "dropBeforePerform" },
    ...(ENTRA.has(route) ? [] : [{ route, kind: "delay", delayMs: HANG_MS } as FaultSpec]),
];
const outage = (route: string): FaultSpec[] =>
    Array.from({ length: OUTAGE_CALLS }, (_, i): FaultSpec =>
        i % 2 === 0 || ENTRA.has(route) ? { route, kind: "status", status: 500 } : { route, kind: "delay", delayMs: HANG_MS },
    );

interface Endpoint {
    route: string;
    /** A POST: sent at most once more after a failure whose outcome is unknown (isolate, unisolate), a cancel never. */
    post: boolean;
    phases: Phase[];
    args: DeviceIsolationArgs;
    /** What the first run of the faulted phase does under a burst (an outage always fails it). */
    underBurst: "is retried" | "fails";
    /** Listings lag this long behind new actions (emulator quirk). @default 0 */
    listingLagMs?: number;
}

const laptop = (comment: string): DeviceIsolationArgs => ({ machineId: LAPTOP.id, comment });

const ENDPOINTS: Endpoint[] = [
    { route: "token", post: false, phases: ["create", "read", "delete"], args: laptop("INC-1 token"), underBurst: "is retried" },
    { route: "discovery", post: false, phases: ["create"], args: laptop("INC-1 discovery"), underBurst: "is retried" },
    // Create, refresh and delete read their devices in batches (`id in (...)`; create by name looks the name up
    // first); getMachine is only the batch's fallback for a device a listing lacks (test/lifecycle/refreshBatching).
    {
        route: "listMachines",
        post: false,
        phases: ["create", "read", "delete"],
        args: { computerDnsName: LAPTOP.computerDnsName, comment: "INC-1 listMachines" },
        underBurst: "is retried",
    },
    { route: "listActions", post: false, phases: ["create", "read", "delete"], args: laptop("INC-1 listActions"), underBurst: "is retried" },
    // Refresh and delete read the action by id when the device's listing does not show it yet (delete then
    // lists again until it does: a release waits for a listing that can show what came after ours).
    { route: "getAction", post: false, phases: ["read", "delete"], args: laptop("INC-1 getAction"), underBurst: "is retried", listingLagMs: 8_000 },
    { route: "isolate", post: true, phases: ["create"], args: laptop("INC-1 isolate"), underBurst: "fails" },
    { route: "unisolate", post: true, phases: ["delete"], args: laptop("INC-1 unisolate"), underBurst: "fails" },
    // A pending isolate is cancelled at delete, never raced by a release.
    {
        route: "cancelAction",
        post: true,
        phases: ["delete"],
        args: { machineId: OFFLINE.id, comment: "INC-1 cancel", waitForCompletion: false },
        underBurst: "fails",
    },
];

/** Requests to `route` while `first` ran. */
function callsDuring(rig: Rig, route: string, first: OpResult) {
    return rig.emulator
        .requests()
        .filter((r) => r.route === route && Date.parse(r.timestamp) >= first.op.startedAt && Date.parse(r.timestamp) <= first.op.endedAt);
}

/** Entra's bursts are retried by @azure/identity whatever the operation: tried at create only. */
const shapesAt = (endpoint: Endpoint, phase: Phase) =>
    (
        [
            ["a burst", burst, endpoint.underBurst],
            ["an outage", outage, "fails"],
        ] as const
    ).filter(([shape]) => !(ENTRA.has(endpoint.route) && phase !== "create" && shape === "a burst"));

const scenarios: Scenario[] = ENDPOINTS.flatMap((endpoint) =>
    endpoint.phases.flatMap((phase) =>
        shapesAt(endpoint, phase).map(([shape, faults, expected]): Scenario => ({
            title: `${endpoint.route} at ${phase}: ${shape} ${expected === "is retried" ? "is retried" : "fails the command, and the next run converges"}`,
            async run(rig) {
                if (endpoint.listingLagMs) rig.emulator.configure({ quirks: { indexingLagMs: endpoint.listingLagMs } });
                const result = await journey(rig, "laptop", endpoint.args, {
                    // Delete must be the first call of its host to need a token.
                    noRefresh: phase === "delete" && endpoint.route === "token",
                    freshFor: ENTRA.has(endpoint.route) ? phase : undefined,
                    before: { [phase]: () => faults(endpoint.route).forEach((f) => rig.inject(f)) },
                });
                const first = result.first[phase];
                assert.ok(first, `the ${phase} phase ran`);
                assert.ok(callsDuring(rig, endpoint.route, first).length > 0, `${phase} no longer calls ${endpoint.route}: this table is out of date`);
                // The one more isolate or release may land: an outage's timed-out request is still performed late.
                const savedByResend = endpoint.post && endpoint.route !== "cancelAction" && first.ok && callsDuring(rig, endpoint.route, first).length === 2;
                if (!savedByResend) assert.equal(first.ok, expected === "is retried", first.ok ? `${phase} succeeded` : first.error.message);
                if (endpoint.post) {
                    // An isolate or release with no usable answer and nothing listed is sent once more (Defender refuses a
                    // second one while the first is pending); a cancel never is.
                    const most = endpoint.route === "cancelAction" ? 1 : 2;
                    const sent = callsDuring(rig, endpoint.route, first).length;
                    assert.ok(sent >= 1 && sent <= most, `${sent} ${endpoint.route} requests: at most ${most}, never more after an unknown outcome`);
                }
                rig.assertInvariants();
            },
        })),
    ),
);

const entra = (s: Scenario) => ENTRA.has(s.title.split(" ")[0]);

// Room for @azure/identity's own retries (about 2.5 s for two) inside the bound on the token request.
describeScenarios("faults on Entra's endpoints, through the provider host", scenarios.filter(entra), {
    lanes: 3,
    rig: { config: { requestTimeoutSeconds: "10" } },
});
describeScenarios(
    "faults on Defender's endpoints, through the provider host",
    scenarios.filter((s) => !entra(s)),
    { lanes: 6 },
);
