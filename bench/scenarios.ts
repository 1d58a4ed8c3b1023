/**
 * The benchmark's scenarios, as data. Defender allows 100 calls a minute per API; most scenarios keep
 * the shape and scale time down (20 calls per 2 s is the same 10 calls a second with windows 30 times
 * shorter), so a run takes minutes on two cores. The `limit-*` scenarios run at Defender's own windows,
 * unscaled, through the CLI only: what a user's `pulumi up` gets, with fixed costs at their real weight.
 */
import { DEFAULT_RATE_LIMITS } from "../provider/defender/pacing";
import { ENGINE_PARALLELISM } from "../scripts/engine/parallelism";
import type { Window } from "../testkit/requests/windows";

interface ScenarioBase {
    /** Unique, used by `--scenario`. */
    name: string;
    /** One line: what the scenario shows. */
    what: string;
    /** Devices declared. */
    devices: number;
    /** Runs with `--full` (or by name) only: minutes more than the default run. @default false */
    fullOnly?: boolean;
}

/**
 * The engine's parallelism for a CLI row: "engine default" (no flag: 4 per CPU, or PULUMI_PARALLEL,
 * which the benchmark clears) or `--parallel N`.
 */
export type Parallelism = "engine default" | number;

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
    /** Through the CLI only (at Defender's windows the provider host adds minutes and nothing new). @default false */
    cliOnly?: boolean;
    /** One CLI row per setting, each in a fresh emulator and workspace. @default ["engine default"] */
    parallel?: readonly Parallelism[];
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

/**
 * A new incident applied by the GitOps project (the repository's root project, `refresh: always`) to
 * a stack that already holds `held` isolations: how long its first isolate waits for the refresh of
 * the others. Through the CLI only, at Defender's windows; one row per refresh mode and parallelism.
 */
export interface IncidentScenario extends ScenarioBase {
    kind: "incident";
    /** Isolations already in the stack (made before the measured `up`, under windows that do not bind). */
    held: number;
    /** The new incident's devices; `devices` = held + added. */
    added: number;
    /** The windows of the measured `up`, both sides. */
    windows: Window[];
    actionDelays: { toInProgressMs: number; toSucceededMs: number };
    pollIntervalSeconds: number;
    /** One row each: the refresh with the program run (PULUMI_RUN_PROGRAM=true, as the example workflow sets), or before it. */
    runProgram: readonly boolean[];
    parallel: readonly Parallelism[];
}

export type Scenario = CreateScenario | PreviewScenario | InventoryScenario | IncidentScenario;

const W = (calls: number, perSeconds: number): Window => ({ calls, perSeconds });
/** Defender's documented windows, per API, unscaled: 100 calls a minute and 1,500 an hour. */
const DEFENDER: Window[] = DEFAULT_RATE_LIMITS.map((l) => ({ calls: l.calls, perSeconds: l.perSeconds }));
/** What users run: the engine's default, and the parallelism the project's commands set (scripts/engine/parallelism.ts). */
const BOTH: readonly Parallelism[] = ["engine default", ENGINE_PARALLELISM];
/** Actions at the real service take seconds; 5 s is Defender's own default poll interval. */
const FIVE_SECOND_ACTIONS = { toInProgressMs: 1000, toSucceededMs: 4000 };

/** A new incident of 10 devices applied by the GitOps project to a stack holding `held` isolations, at Defender's windows. */
function incident(held: number): IncidentScenario {
    return {
        kind: "incident",
        name: `incident-after-${held}`,
        what: `a new incident of 10 devices, the GitOps stack holding ${held} isolations (refresh: always), at Defender's windows`,
        devices: held + 10,
        held,
        added: 10,
        windows: DEFENDER,
        actionDelays: FIVE_SECOND_ACTIONS,
        pollIntervalSeconds: 5,
        runProgram: [false, true],
        parallel: BOTH,
    };
}

/** A create at Defender's windows, through the CLI, at both parallelisms. */
function atLimit(devices: number, wait: boolean, fullOnly: boolean): CreateScenario {
    return create({
        name: `limit-${devices}${wait ? "-wait" : ""}`,
        what: `${devices} isolations at Defender's windows (unscaled), ${wait ? "each waited for (actions take 5 s)" : "no wait"}, at the engine's default parallelism and at ${ENGINE_PARALLELISM}`,
        devices,
        configured: DEFENDER,
        enforced: DEFENDER,
        waitForCompletion: wait,
        actionDelays: FIVE_SECOND_ACTIONS,
        pollIntervalSeconds: 5,
        cliOnly: true,
        parallel: BOTH,
        fullOnly,
    });
}
/** Fast actions: the waits of no-wait scenarios do not matter, the emulator just keeps state small. */
const QUICK_ACTIONS = { toInProgressMs: 200, toSucceededMs: 300 };

function create(s: Omit<CreateScenario, "kind" | "actionDelays" | "pollIntervalSeconds" | "waitForCompletion"> & Partial<CreateScenario>): CreateScenario {
    return { kind: "create", waitForCompletion: false, actionDelays: QUICK_ACTIONS, pollIntervalSeconds: 1, ...s };
}

/** The default run (about 45 minutes on two cores, half of it at Defender's windows); the `fullOnly` ones with `--full` (about 20 minutes more). */
export const FULL_SCENARIOS: readonly Scenario[] = [
    create({ name: "create-100", what: "100 isolations, no wait", devices: 100, configured: [W(20, 2)], enforced: [W(20, 2)] }),
    create({
        name: "create-500",
        what: "500 isolations, no wait",
        devices: 500,
        configured: [W(20, 2)],
        enforced: [W(20, 2)],
        parallel: BOTH,
    }),
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
    atLimit(150, false, false),
    atLimit(150, true, false),
    incident(0),
    incident(500),
    atLimit(500, false, true),
    atLimit(500, true, true),
];

/** A smoke run (about two minutes on two cores, most of it the CLI's start-ups): every kind of scenario, small. */
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
