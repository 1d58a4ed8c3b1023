/**
 * The five promises of the product, checked after a scenario against the emulator's own records
 * (its actions and its raw request log) and a simulated engine state: what the tests recorded from
 * create, read, update and delete answers, as the engine would.
 *
 * 1. No operation produces two isolate actions (or two releases); the provider never has two actions
 *    of one kind in flight on a device, and never sends one while the opposite kind is in flight.
 * 2. Every isolate action the provider caused is recorded in state, or ended Failed/TimeOut/Cancelled,
 *    or had finished before an isolate of the same device that state recorded (superseded by it);
 *    nothing the provider isolated is left in force or in flight without a state entry.
 * 3. No device is released (or its isolate cancelled) unless the user asked: a delete of its only
 *    live declaration was running; and only our own isolation: never one someone requested after a
 *    release had ended ours, never a pending isolate no declaration held.
 * 4. Every failure reaches the user as an error naming the device, the operation and what to do
 *    (an invalid configuration, reported before any operation, names the `defender:` key instead).
 * 5. The client secret and the tokens appear nowhere: outputs, `__provider`, host output, errors,
 *    or any request but the token request (tokens only in Authorization headers).
 *
 * Violations are data: `checkInvariants` lists them all, `assertInvariants` fails with every one.
 */
import { strict as assert } from "assert";
import type { MachineActionJson, RunningEmulator } from "../../emulator";
import type { PropertyMap } from "../host/providerHost";

export type OperationKind = "create" | "read" | "update" | "delete";

/** One provider call of the lifecycle, as the test saw it. */
export interface OperationRecord {
    readonly seq: number;
    readonly kind: OperationKind;
    /** The resource (declaration) name. */
    readonly name: string;
    /** The device the declaration means (40 hex), as the test knows it. */
    readonly machineId: string;
    /** Other names an error may use for the device (its DNS name). */
    readonly deviceNames: readonly string[];
    /** Emulator clock (epoch ms) before the call was sent and after it answered. */
    readonly startedAt: number;
    endedAt: number;
    /** The resource id: the one read/delete were about, or the one create returned. */
    id?: string;
    /** "recorded": create failed but the engine recorded the resource (partial failure). */
    outcome: "pending" | "ok" | "recorded" | "gone" | "failed";
    error?: string;
    /** The provider itself threw the error (not a check failure, not a host that died or timed out). */
    providerError?: boolean;
}

export interface StateEntry {
    readonly id: string;
    readonly properties: PropertyMap;
    readonly machineId: string;
}

interface LiveInterval {
    readonly name: string;
    readonly machineId: string;
    readonly id: string;
    readonly from: number;
    to: number;
}

/**
 * The simulated engine state, and the history the invariants need: every operation with its time
 * window, every id state ever held and when, every provider answer and error text.
 */
export class Ledger {
    readonly operations: OperationRecord[] = [];
    /** What the engine's state holds now, by resource name. */
    readonly state = new Map<string, StateEntry>();
    /** Every action id state ever held. */
    readonly everRecorded = new Set<string>();
    /** Provider answers (outputs, registered inputs with `__provider`), for the secret scan. */
    readonly answers: PropertyMap[] = [];
    /** Error texts the user would see (message and gRPC details). */
    readonly errorTexts: string[] = [];
    private readonly intervals: LiveInterval[] = [];

    constructor(private readonly now: () => number) {}

    begin(kind: OperationKind, name: string, machineId: string, deviceNames: readonly string[] = [], id?: string): OperationRecord {
        const now = this.now();
        const op: OperationRecord = {
            seq: this.operations.length + 1,
            kind,
            name,
            machineId,
            deviceNames,
            startedAt: now,
            endedAt: now,
            id,
            outcome: "pending",
        };
        this.operations.push(op);
        return op;
    }

    /** create/read/update answered: state holds `id` with these outputs. */
    recorded(op: OperationRecord, id: string, properties: PropertyMap, outcome: "ok" | "recorded" = "ok"): void {
        this.finish(op, outcome);
        op.id = id;
        this.answers.push(properties);
        const previous = this.state.get(op.name);
        if (previous && previous.id !== id) this.close(op.name, op.endedAt);
        if (!previous || previous.id !== id) this.intervals.push({ name: op.name, machineId: op.machineId, id, from: op.endedAt, to: Infinity });
        this.state.set(op.name, { id, properties, machineId: op.machineId });
        this.everRecorded.add(id.toLowerCase());
        // A change of isolation type moves the resource to a new isolate; the resource id stays the first.
        if (typeof properties.machineActionId === "string" && properties.machineActionId !== "")
            this.everRecorded.add(properties.machineActionId.toLowerCase());
    }

    /** delete succeeded, or read found the resource gone: the engine drops it. */
    removed(op: OperationRecord, outcome: "ok" | "gone"): void {
        this.finish(op, outcome);
        this.close(op.name, op.endedAt);
        this.state.delete(op.name);
    }

    /** The call failed; `providerError` false when the provider did not answer (host gone, check failures). */
    failed(op: OperationRecord, message: string, details?: string, providerError = true): void {
        this.finish(op, "failed");
        op.providerError = providerError;
        this.noteError(op, message, details);
    }

    /** The error the user sees for `op` (also for a create the engine recorded despite its error). */
    noteError(op: OperationRecord, message: string, details?: string): void {
        op.error = message;
        this.errorTexts.push(message, ...(details !== undefined && details !== message ? [details] : []));
    }

    /** Resources live on `machineId` at time `t` (emulator ms), other than `except`. */
    liveAt(machineId: string, t: number, except: string): LiveInterval[] {
        return this.intervals.filter((i) => i.machineId === machineId && i.name !== except && i.from <= t && t < i.to);
    }

    private finish(op: OperationRecord, outcome: OperationRecord["outcome"]): void {
        op.endedAt = this.now();
        op.outcome = outcome;
    }

    private close(name: string, at: number): void {
        for (const i of this.intervals) if (i.name === name && i.to === Infinity) i.to = at;
    }
}

export interface InvariantInput {
    emulator: RunningEmulator;
    ledger: Ledger;
    /** Every line the provider hosts printed (stdout and stderr). */
    hostOutput: readonly string[];
    /** The provider's application id: actions with this requestor are the provider's. */
    clientId: string;
    /** Values that must never appear anywhere (the client secret); tokens are taken from the request log. */
    secrets: readonly string[];
}

export interface Violation {
    invariant: 1 | 2 | 3 | 4 | 5;
    message: string;
}

export interface InvariantReport {
    violations: Violation[];
    /** Individual predicates evaluated. */
    checks: number;
}

const FINISHED = new Set(["Succeeded", "Failed", "TimeOut", "Cancelled"]);
const NOT_IN_FORCE = new Set(["Failed", "TimeOut", "Cancelled"]);

/** Which operation an error must name, by the words a user reads. */
const OPERATION_WORDS: Record<OperationKind, RegExp> = {
    create: /\bisolat/i,
    delete: /\breleas|\bcancel/i,
    read: /\brefresh|\bread\b/i,
    update: /\bupdat|\bchang/i,
};

/** A fix: a sentence, line or clause that starts with an imperative verb. */
const FIX =
    /(^|[.;:!]\s+|\(|, (?:or|then|and) )(run|check|set|grant|declare|remove|enable|use|lower|wait|quote|update|trust|install|change|give|release|rename)\b/im;

/** Reported by the host's configure, before any operation: about settings, not a device. */
const CONFIG_ERROR = /^Invalid provider configuration:/;

const time = (iso: string | null | undefined): number => (iso ? Date.parse(iso) : NaN);
const endOf = (a: MachineActionJson): number => (FINISHED.has(a.status) ? time(a.lastUpdateDateTimeUtc) : Infinity);
const shortId = (id: string) => id.slice(0, 8);

export function checkInvariants(input: InvariantInput): InvariantReport {
    const { emulator, ledger, clientId } = input;
    const violations: Violation[] = [];
    let checks = 0;
    const expect = (ok: boolean, invariant: Violation["invariant"], message: () => string) => {
        checks++;
        if (!ok) violations.push({ invariant, message: message() });
    };

    const state = emulator.state();
    const ours = state.actions.filter((a) => a.requestor === clientId);
    const byDevice = new Map<string, MachineActionJson[]>();
    for (const a of state.actions) byDevice.set(a.machineId, [...(byDevice.get(a.machineId) ?? []), a]);
    const describe = (a: MachineActionJson) => `${a.type} ${a.id} on ${a.machineId} (${a.status}, created ${a.creationDateTimeUtc})`;

    // 1. One declaration, at most one action of each kind; never two in flight at once; never a race.
    // The one exception, documented: a request whose answer was lost (the connection dropped after Defender
    // acted, or the answer came too late) is sent once more when no listing shows it; the second is then
    // a duplicate of one that had finished unseen (the "twin" check below still forbids two in flight).
    const log = emulator.requests();
    for (const op of ledger.operations) {
        const inWindow = (type: string) =>
            ours.filter(
                (a) =>
                    a.machineId === op.machineId && a.type === type && time(a.creationDateTimeUtc) >= op.startedAt && time(a.creationDateTimeUtc) <= op.endedAt,
            );
        for (const type of ["Isolate", "Unisolate"]) {
            const made = inWindow(type);
            const route = type === "Isolate" ? "isolate" : "unisolate";
            const lost = log.filter(
                (r) =>
                    r.route === route &&
                    r.path.toLowerCase().includes(op.machineId) &&
                    (r.status === null || r.fault === "delay") &&
                    time(r.timestamp) >= op.startedAt &&
                    time(r.timestamp) <= op.endedAt,
            ).length;
            expect(
                made.length <= 1 + Math.min(lost, 1),
                1,
                () => `${op.kind} #${op.seq} of ${op.name} produced ${made.length} ${type} actions: ${made.map(describe).join("; ")}`,
            );
        }
    }
    for (const [machineId, actions] of byDevice) {
        // Emulator records are in creation order: compare each action with the ones before it.
        const mine = actions.filter((a) => a.requestor === clientId);
        mine.forEach((b, j) => {
            const t = time(b.creationDateTimeUtc);
            const twin = mine.slice(0, j).find((a) => a.type === b.type && t < endOf(a));
            expect(
                twin === undefined,
                1,
                () => `two ${b.type} actions of the provider in flight at once on ${machineId}: ${describe(twin as MachineActionJson)} and ${describe(b)}`,
            );
            const opposite = b.type === "Isolate" ? "Unisolate" : "Isolate";
            const racing = actions.find((a) => a.type === opposite && time(a.creationDateTimeUtc) <= t && t < endOf(a));
            expect(
                racing === undefined,
                1,
                () => `${describe(b)} was sent while ${describe(racing as MachineActionJson)} was in flight: they can complete in either order`,
            );
        });
    }

    // 2. Nothing lost: every isolate the provider caused is recorded, ended without effect, or was
    // superseded (it had finished when an isolate of the device that state recorded was sent).
    for (const a of ours.filter((x) => x.type === "Isolate")) {
        const superseded = (byDevice.get(a.machineId) ?? []).some(
            (y) => y.type === "Isolate" && ledger.everRecorded.has(y.id.toLowerCase()) && time(y.creationDateTimeUtc) >= endOf(a),
        );
        expect(
            NOT_IN_FORCE.has(a.status) || ledger.everRecorded.has(a.id.toLowerCase()) || superseded,
            2,
            () => `${describe(a)} was never recorded in state: an isolation no state knows of is never released`,
        );
    }
    const current = [...ledger.state.values()];
    const holds = (e: StateEntry, actionId: string) =>
        [e.id, e.properties.machineActionId].some((x) => typeof x === "string" && x.toLowerCase() === actionId.toLowerCase());
    for (const a of ours.filter((x) => x.type === "Isolate" && !FINISHED.has(x.status))) {
        expect(
            current.some((e) => holds(e, a.id)),
            2,
            () => `${describe(a)} is still in flight but no resource in state holds it`,
        );
    }
    // A release the provider sent that is still in flight will end it (delete without waitForCompletion).
    const ourIds = new Set(ours.map((a) => a.id));
    for (const m of state.machines) {
        if (!m.isolation.isolated || m.isolation.byActionId === null || !ourIds.has(m.isolation.byActionId)) continue;
        const releasing = ours.some((a) => a.machineId === m.id && a.type === "Unisolate" && !FINISHED.has(a.status));
        expect(
            releasing || current.some((e) => e.machineId === m.id),
            2,
            () => `${m.id} (${m.computerDnsName}) is isolated by the provider's ${m.isolation.byActionId}, but no resource in state declares it`,
        );
    }
    for (const [name, entry] of ledger.state) {
        const action = state.actions.find((a) => a.id.toLowerCase() === entry.id.toLowerCase());
        expect(
            action !== undefined && action.type === "Isolate" && action.machineId === entry.machineId,
            2,
            () => `state holds ${name} = ${entry.id}, which is not an isolate action of ${entry.machineId} in Defender`,
        );
    }

    // 3. Nothing released that the user did not ask to release.
    const deletes = ledger.operations.filter((o) => o.kind === "delete");
    const releases = [
        ...ours.filter((a) => a.type === "Unisolate").map((a) => ({ what: describe(a), machineId: a.machineId, at: time(a.creationDateTimeUtc) })),
        ...state.actions
            .filter((a) => a.cancellationRequestor === clientId)
            .map((a) => ({ what: `cancellation of ${describe(a)}`, machineId: a.machineId, at: time(a.cancellationDateTimeUtc) })),
    ];
    // Release only what we own: our isolation ended when a release finished after it; an isolate someone
    // else requested afterwards is theirs, never ours to release or cancel.
    const finishedBy = (a: MachineActionJson) => (a.status === "Succeeded" ? time(a.lastUpdateDateTimeUtc) : Infinity);
    for (const u of ours.filter((a) => a.type === "Unisolate")) {
        const t = time(u.creationDateTimeUtc);
        const device = (byDevice.get(u.machineId) ?? []).filter((a) => a.id !== u.id && finishedBy(a) <= t && (a.type === "Isolate" || a.type === "Unisolate"));
        const deciding = [...device].sort((a, b) => finishedBy(a) - finishedBy(b)).pop();
        if (deciding === undefined || deciding.type !== "Isolate" || ledger.everRecorded.has(deciding.id.toLowerCase())) continue;
        const lastOurs = device
            .filter((a) => a.type === "Isolate" && ledger.everRecorded.has(a.id.toLowerCase()))
            .sort((a, b) => finishedBy(a) - finishedBy(b))
            .pop();
        const ended =
            lastOurs === undefined ||
            device.some((a) => a.type === "Unisolate" && finishedBy(a) > finishedBy(lastOurs) && finishedBy(a) <= finishedBy(deciding));
        expect(
            !ended,
            3,
            () =>
                `${describe(u)} released ${describe(deciding)}, requested by ${deciding.requestor} after this stack's isolation had ended: not ours to release`,
        );
    }
    for (const c of state.actions.filter((a) => a.cancellationRequestor === clientId)) {
        expect(
            c.requestor === clientId || ledger.everRecorded.has(c.id.toLowerCase()),
            3,
            () => `the provider cancelled ${describe(c)}, requested by ${c.requestor}, which no declaration held`,
        );
    }
    for (const r of releases) {
        const asked = deletes.filter((d) => d.machineId === r.machineId && d.startedAt <= r.at && r.at <= d.endedAt);
        expect(asked.length > 0, 3, () => `${r.what} happened outside any delete of a declaration of that device`);
        for (const d of asked) {
            const others = ledger
                .liveAt(r.machineId, r.at, d.name)
                .filter((i) => !deletes.some((o) => o.name === i.name && o.startedAt <= r.at && r.at <= o.endedAt));
            expect(others.length === 0, 3, () => `${r.what} while ${others.map((i) => `${i.name} (${i.id})`).join(", ")} still declared the device`);
        }
    }

    // 4. Every failure names the device, the operation and what to do.
    for (const op of ledger.operations.filter((o) => (o.outcome === "failed" && o.providerError) || o.outcome === "recorded")) {
        const message = op.error ?? "";
        const names = [op.machineId, shortId(op.machineId), ...op.deviceNames, ...(op.machineId === "" && op.id ? [op.id] : [])].filter((n) => n !== "");
        const lower = message.toLowerCase();
        if (CONFIG_ERROR.test(message)) {
            // The host configures the provider at its first call: the error names the key instead of a device.
            expect(
                /defender:\w+/.test(message) && FIX.test(message),
                4,
                () => `${op.kind} #${op.seq} of ${op.name}: a configuration error that does not name the key and the fix: ${message}`,
            );
            continue;
        }
        expect(
            names.some((n) => lower.includes(n.toLowerCase())),
            4,
            () => `${op.kind} #${op.seq} of ${op.name}: the error does not name the device (${names.join(" / ")}): ${message}`,
        );
        expect(OPERATION_WORDS[op.kind].test(message), 4, () => `${op.kind} #${op.seq} of ${op.name}: the error does not name the operation: ${message}`);
        expect(FIX.test(message), 4, () => `${op.kind} #${op.seq} of ${op.name}: the error does not say what to do: ${message}`);
        expect(
            !/\[object Object\]|\bundefined\b/.test(message),
            4,
            () => `${op.kind} #${op.seq} of ${op.name}: the error shows an unrendered value: ${message}`,
        );
    }

    // 5. No secret or token anywhere but the token request and the Authorization header.
    const requests = emulator.requests();
    const tokens = new Set<string>();
    for (const r of requests) {
        const m = /^Bearer\s+(\S+)$/i.exec(r.headers.authorization ?? "");
        if (m) tokens.add(m[1]);
    }
    const needles = [...input.secrets, ...tokens].filter((n) => n.length >= 8);
    const scan = (where: string, text: string) => {
        for (const needle of needles) {
            expect(!text.includes(needle), 5, () => `${needle === input.secrets[0] ? "the client secret" : "a token"} appears in ${where}`);
        }
    };
    ledger.answers.forEach((a, i) => scan(`provider answer #${i + 1}`, JSON.stringify(a)));
    scan("host output", input.hostOutput.join("\n"));
    ledger.errorTexts.forEach((e, i) => scan(`error #${i + 1}`, e));
    for (const r of requests) {
        if (r.route === "token") continue;
        const { authorization, ...rest } = r.headers;
        scan(`request #${r.seq} ${r.method} ${r.path} (target, body, other headers)`, [r.url, r.body, JSON.stringify(rest)].join("\n"));
        if (authorization !== undefined) {
            expect(
                /^Bearer\s+\S+$/i.test(authorization) && !input.secrets.some((s) => authorization.includes(s)),
                5,
                () => `request #${r.seq} carries an Authorization header that is not a bearer token`,
            );
        }
    }
    return { violations, checks };
}

/** Fails with every violation at once; returns the number of predicates checked. */
export function assertInvariants(input: InvariantInput): InvariantReport {
    const report = checkInvariants(input);
    assert.deepEqual(
        report.violations.map((v) => `invariant ${v.invariant}: ${v.message}`),
        [],
        "invariants violated",
    );
    return report;
}
