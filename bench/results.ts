/** What a scenario run reports: one row of the table, one object of the JSON line. */
import type { Bucket } from "./apiLog";
import type { Window } from "./windows";

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

export type ScenarioResult = CreateResult | PreviewResult | InventoryResult;
