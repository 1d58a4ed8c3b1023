/**
 * The benchmark's scenarios, as data. Defender allows 100 calls a minute per API; the benchmark keeps
 * the shape and scales time down (20 calls per 2 s is the same 10 calls a second with windows 30 times
 * shorter), so a full run takes minutes on two cores.
 */
import type { Window } from "../testkit/requests/windows";

interface ScenarioBase {
    /** Unique, used by `--scenario`. */
    name: string;
    /** One line: what the scenario shows. */
    what: string;
    /** Devices declared. */
    devices: number;
}

export interface CreateScenario extends ScenarioBase {
    kind: "create";
    /** `defender:rateLimits`: the windows the provider keeps to, per API. */
    configured: Window[];
    /** The windows the emulator enforces, per API (429 + Retry-After beyond them). */
    enforced: Window[];
    /** Passed to every DeviceIsolation. */
    waitForCompletion: boolean;
    /** Emulator: Pending → InProgress → Succeeded. */
    actionDelays: { toInProgressMs: number; toSucceededMs: number };
    /** `defender:pollIntervalSeconds`. */
    pollIntervalSeconds: number;
    /** Emulator quirk: false refuses `id in (...)`, so status polls fall back to single reads. @default true */
    filterInSupported?: boolean;
    /**
     * After the creates: a refresh of every resource under `refreshWindows` (tight enough that the read
     * budgets bind, so its ideal is not 0), then a destroy under the scenario's windows. @default none
     */
    followUps?: { refreshWindows: Window[] };
}

export interface PreviewScenario extends ScenarioBase {
    kind: "preview";
    /** Incident files the devices are spread over. */
    incidents: number;
}

export interface InventoryScenario extends ScenarioBase {
    kind: "inventory";
    /** Isolate/Unisolate actions per device (its history); devices × this = the actions listed. */
    actionsPerDevice: number;
    /** Emulator: the largest listing page (Defender's is 10,000). @default 10000 */
    maxPageSize?: number;
    /** No device released: every device is looked up (the most lookups a fleet can cost). @default false */
    allHeld?: boolean;
}

export type Scenario = CreateScenario | PreviewScenario | InventoryScenario;

const W = (calls: number, perSeconds: number): Window => ({ calls, perSeconds });
/** Fast actions: the waits of no-wait scenarios do not matter, the emulator just keeps state small. */
const QUICK_ACTIONS = { toInProgressMs: 200, toSucceededMs: 300 };

function create(s: Omit<CreateScenario, "kind" | "actionDelays" | "pollIntervalSeconds" | "waitForCompletion"> & Partial<CreateScenario>): CreateScenario {
    return { kind: "create", waitForCompletion: false, actionDelays: QUICK_ACTIONS, pollIntervalSeconds: 1, ...s };
}

/** The full run (a few minutes). */
export const FULL_SCENARIOS: readonly Scenario[] = [
    create({ name: "create-100", what: "100 isolations, no wait", devices: 100, configured: [W(20, 2)], enforced: [W(20, 2)] }),
    create({ name: "create-500", what: "500 isolations, no wait", devices: 500, configured: [W(20, 2)], enforced: [W(20, 2)] }),
    create({
        name: "create-2000",
        what: "2,000 isolations, no wait; then refresh-2000 (reads at 4/2s) and destroy-2000",
        devices: 2000,
        configured: [W(50, 2)],
        enforced: [W(50, 2)],
        followUps: { refreshWindows: [W(4, 2)] },
    }),
    create({
        name: "create-500-wait",
        what: "500 isolations, each waited for (actions take 4 poll cycles)",
        devices: 500,
        configured: [W(20, 2)],
        enforced: [W(20, 2)],
        waitForCompletion: true,
        actionDelays: { toInProgressMs: 400, toSucceededMs: 600 },
        pollIntervalSeconds: 0.25,
    }),
    create({
        name: "create-500-two-windows",
        what: "500 isolations under a short and a long window (the hour window, scaled)",
        devices: 500,
        configured: [W(20, 2), W(200, 30)],
        enforced: [W(20, 2), W(200, 30)],
    }),
    create({
        name: "create-300-stricter",
        what: "300 isolations, the service stricter than configured: recovery by Retry-After alone",
        devices: 300,
        configured: [W(50, 10)],
        enforced: [W(40, 10)],
    }),
    {
        kind: "preview",
        name: "preview-2000",
        what: "GitOps preview of 2,000 declared devices: program + check + diff, no API call",
        devices: 2000,
        incidents: 20,
    },
    {
        kind: "inventory",
        name: "inventory-10000",
        what: "defender-isolation status over 10,000 devices and 50,000 actions, under Defender's documented limits",
        devices: 10_000,
        actionsPerDevice: 5,
    },
    {
        kind: "inventory",
        name: "inventory-10000-held",
        what: "the same with every device isolated, isolating or releasing: 200 device lookups, two windows of machine reads",
        devices: 10_000,
        actionsPerDevice: 5,
        allHeld: true,
    },
];

/** A smoke run (seconds): every kind of scenario, small. */
export const QUICK_SCENARIOS: readonly Scenario[] = [
    create({
        name: "create-40",
        what: "40 isolations, no wait; then refresh-40 and destroy-40",
        devices: 40,
        configured: [W(10, 1)],
        enforced: [W(10, 1)],
        followUps: { refreshWindows: [W(1, 1)] },
    }),
    create({
        name: "create-40-wait",
        what: "40 isolations, each waited for",
        devices: 40,
        configured: [W(10, 1)],
        enforced: [W(10, 1)],
        waitForCompletion: true,
        actionDelays: { toInProgressMs: 300, toSucceededMs: 500 },
        pollIntervalSeconds: 0.2,
    }),
    create({
        name: "create-40-stricter",
        what: "40 isolations, the service stricter than configured",
        devices: 40,
        configured: [W(10, 1)],
        enforced: [W(8, 1)],
    }),
    { kind: "preview", name: "preview-200", what: "GitOps preview of 200 declared devices", devices: 200, incidents: 4 },
    {
        kind: "inventory",
        name: "inventory-1000",
        what: "defender-isolation status over 1,000 devices and 5,000 actions, pages of 1,000",
        devices: 1000,
        actionsPerDevice: 5,
        maxPageSize: 1000,
    },
];
