/** What a scenario run reports: one row of the table, one object of the JSON line. */
import type { Bucket } from "../testkit/requests/apiLog";
import type { Window } from "../testkit/requests/windows";

export interface CreateResult {
    kind: "create";
    scenario: string;
    devices: number;
    waitForCompletion: boolean;
    /** `defender:rateLimits`. */
    configured: Window[];
    /** What the emulator enforced. */
    enforced: Window[];
    /** From the first create sent to the last answered. */
    wallMs: number;
    /** See bench/README.md "The ideal". */
    idealMs: number;
    ratio: number;
    /** The budget (or action completion) that sets the ideal. */
    boundBy: Bucket | "action";
    /** The isolate budget alone (plus the action's duration when waiting): the physical limit. */
    floorMs: number;
    floorRatio: number;
    /** 429 answers received. */
    rateLimited: number;
    /** Creates that failed (or returned no id). */
    failed: number;
    /** Devices with more than one isolate action at the emulator (must be 0). */
    duplicateIsolates: number;
    /** Calls the service accepted, per budget. */
    accepted: Partial<Record<Bucket, number>>;
    /** Per device: POST isolate sent, reads sent (machines and actions, status polls excluded), status polls sent. */
    perDevice: { isolate: number; reads: number; statusPolls: number };
    /** Most calls (429s included) that reached the emulator in any span of the first enforced window, per budget. */
    peakInWindow: Partial<Record<Bucket, number>>;
    /** Register (setMocks) + check of every declaration, before the creates. */
    prepMs: number;
    /** Peak resident set of the provider host (VmHWM), MB. */
    hostPeakRssMb: number;
    /** Size of the serialized provider in every resource's state. */
    providerBytes: number;
    /** First failure messages, shortened, when any failed. */
    failures: string[];
    /** The scenario's refresh and destroy, through the same host. */
    followUps?: CliResult[];
}

export interface PreviewResult {
    kind: "preview";
    scenario: string;
    devices: number;
    incidents: number;
    /** Program under setMocks (preview), check and diff of every resource through the host. */
    wallMs: number;
    programMs: number;
    checkMs: number;
    diffMs: number;
    /** Resources registered, check failures, and diffs that found changes. */
    resources: number;
    checkFailures: number;
    changed: number;
    /** Defender API calls during the preview (must be 0). */
    apiCalls: number;
    hostPeakRssMb: number;
    providerBytes: number;
}

export interface InventoryResult {
    kind: "inventory";
    scenario: string;
    devices: number;
    /** Actions the emulator held. */
    actions: number;
    /** Devices the command listed, and its summary. */
    listed: number;
    summary: Record<string, number>;
    /** States the fleet was seeded with: the summary must match. */
    expected: Record<string, number>;
    /** Defender API requests the command made (token traffic left out), and 429s among them. */
    requests: number;
    rateLimited: number;
    accepted: Partial<Record<Bucket, number>>;
    /** The target: the listing's pages (10,000 a page) plus one device lookup per 50 devices. */
    targetRequests: number;
    /** Devices isolated, isolating or releasing: the ones looked up. */
    heldDevices: number;
    /** From starting the command to its exit (node start, token, every page, every lookup). */
    wallMs: number;
    /** The least time Defender's documented limits allow for those requests (0: within the first window). */
    idealMs: number;
    /** The command's peak resident memory, MB. */
    peakRssMb: number;
}

export type ScenarioResult = CreateResult | PreviewResult | InventoryResult | CliResult;

export type Operation = "create" | "refresh" | "destroy" | "preview" | "incident";

/**
 * Milliseconds after the command was spawned at which each step on the way to the first isolate
 * happened, for the steps seen: the language host and the program it runs started, the provider host
 * started, the provider signed in (its first token request), read a device and sent an isolate.
 */
export interface Milestones {
    languageHostMs?: number;
    programMs?: number;
    providerHostMs?: number;
    signInMs?: number;
    firstReadMs?: number;
    firstIsolateMs?: number;
}

/** Bytes per resource in the checkpoint. */
export interface CheckpointParts {
    /** `__provider`, in inputs and outputs together. */
    provider: number;
    /** The other inputs, as JSON. */
    inputs: number;
    /** The other outputs, as JSON. */
    outputs: number;
    /** urn, type, id, provider reference, dependencies, timestamps: the engine's own fields. */
    other: number;
}

/** One scenario step through the real CLI (see bench/README.md "Through the CLI"). */
export interface CliResult {
    kind: "cli";
    /** Through the real CLI, or the provider host driven directly (refresh/destroy follow-ups). */
    engine: "cli" | "host";
    scenario: string;
    operation: Operation;
    devices: number;
    /** The engine's parallelism the command ran with (CLI rows). */
    parallel?: string;
    /** Whether the creates waited for their actions (CLI create rows). */
    waitForCompletion?: boolean;
    /** Incident rows: the refresh ran with the program (PULUMI_RUN_PROGRAM=true) or before it. */
    runProgram?: boolean;
    /** Incident rows: isolations the stack held before the command. */
    held?: number;
    /** The way to the first isolate (CLI rows). */
    milestones?: Milestones;
    /** The emulator enforced Defender's own windows (100 a minute, 1,500 an hour), unscaled. */
    defenderWindows?: boolean;
    /** Isolate calls the service accepted, per device (1.00: one each). */
    isolatesPerDevice?: number;
    /** The command, from spawn to exit. */
    wallMs: number;
    idealMs: number;
    /** wall / ideal; NaN when the ideal is 0 (no call is bound by a window). */
    ratio: number;
    boundBy: Bucket | "action" | "none";
    rateLimited: number;
    /** Resources not in the state expected after the step (create/refresh: held; destroy: still in state or isolated). */
    failed: number;
    exitCode: number | null;
    /** Device lookups and action listings per device (status polls excluded). */
    readsPerDevice: number;
    /** The stack file at the end, and per resource. */
    checkpointBytes: number;
    checkpointPerResource: number;
    checkpointParts: CheckpointParts;
    /** Bytes the CLI process wrote during the step (/proc/<pid>/io wchar). */
    cliBytesWritten: number;
    /** Distinct versions of the stack file seen by polling every 50 ms, and their sizes summed. */
    checkpointVersions: number;
    checkpointBytesSeen: number;
    /** Sum of the peak RSS of each role's processes, MB. */
    peakRssMb: { cli: number; language: number; provider: number };
    /** From the first Defender API request to the last, as the emulator received them. */
    busyMs: number;
    /** wallMs - busyMs: the engine's own time (start, program, registration, checkpoints, exit). */
    overheadMs: number;
    /** The end of the output when the command failed. */
    tail: string;
    /** One resource of the checkpoint after a create, as `pulumi stack export` shows it. */
    sampleResource?: string;
}
