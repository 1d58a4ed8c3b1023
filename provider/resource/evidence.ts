/**
 * The one decision: from what Defender shows of a device and what this operation knows it sent,
 * which isolation is ours, whether it is still in force, what a request whose answer was lost caused,
 * and what is not known. Pure: evidence in, assessment out. create, read, update and delete each map
 * the assessment to their next step (steps.ts); nothing else decides ownership.
 *
 * Evidence and its limits
 * - A listing is complete only up to its horizon: actions created after it may be missing (Defender's
 *   listings lag behind new actions). The lifecycle sets the horizon to when the listing was asked for,
 *   less `defender:listingLagSeconds`. A listing also lacks what it should hold when an action known by
 *   id is not in it: then it covers nothing from that action on, whatever its horizon says.
 * - An action read by id (or answered to our request) is fresher than a listing and always counts, listed
 *   or not. An id Defender answers 404 for is gone (purged); Defender keeps the newest actions, so a
 *   purged action is older than every action still listed.
 * - A status outside the documented set proves nothing: the device's state is unknown while such an
 *   Isolate or Unisolate is on it (or is ours).
 *
 * Ownership
 * - Ours is the isolate state records. It is in force from when it finished until a release finished
 *   after it (anyone's). An isolate someone else made that finished after ours and is in force is ON TOP
 *   of ours: releasing the device would release theirs, so it is never released; ours is dropped.
 * - Actions complete out of order: "after" means finished after (see isolationState).
 */
import { compareActions, compareFinished, isActionStatus, type MachineAction } from "../defender";
import type { IsolationType } from "./inputs";

export type Kind = "Isolate" | "Unisolate";

/** A request this operation sent, and what came of it as far as the answer goes. */
export interface Sent {
    type: Kind;
    /** When it was sent (epoch ms, this host's clock). */
    at: number;
    /** answered: `action` is what Defender made (or merged into); lost: no usable answer (5xx, timeout, dropped), performed or not; conflict: 400 ActiveRequestAlreadyExists. */
    outcome: "answered" | "lost" | "conflict";
    action?: MachineAction;
    /** Ids of the device's actions this operation knew of when it sent the request. */
    before: readonly string[];
    /** The isolation type asked for (Isolate). */
    scope?: IsolationType;
}

export interface Evidence {
    /** The device's actions as the last listing held them. */
    listed: readonly MachineAction[];
    /** That listing is complete for actions created up to this time (epoch ms, this host's clock). */
    horizon: number;
    /** Actions read by id (or answered to our requests) since, fresher than the listing. */
    read: readonly MachineAction[];
    /** Ids Defender answered 404 for when read by id: purged. */
    gone: readonly string[];
    /** The isolate state records (absent at create). */
    ours?: string;
    /** When the operation began: a finished state is acted on only once a listing covers this moment. */
    since: number;
    /** Requests this operation sent, oldest first. */
    sent: readonly Sent[];
}

/** Where ours stands: none (create), pending, in force, ended by a release, failed (never took effect), gone (purged), odd (an undocumented status). */
export type Standing = "none" | "pending" | "inForce" | "ended" | "failed" | "gone" | "odd";

/** What the last request whose answer was lost (or refused as a duplicate) caused, as far as the evidence goes. */
export type RequestOutcome =
    /** The action it caused, or the pending one of that kind that stands in for it (Defender refuses a second). */
    | { kind: "found"; action: MachineAction; caused: boolean }
    /** A release: ours is ended (a release finished after it), whoever sent it. */
    | { kind: "done"; by: MachineAction }
    /** The listing covers the request and shows nothing it caused: it was not performed. */
    | { kind: "notPerformed" }
    /** The isolate it caused ended Failed/TimeOut/Cancelled: nothing took effect. */
    | { kind: "ended"; action: MachineAction }
    /** The listing does not cover the request yet. */
    | { kind: "unknown"; why: string };

export interface Assessment {
    /** Every action of the device the evidence holds, freshest copy of each; ours counted as an Isolate. */
    history: MachineAction[];
    ours?: MachineAction;
    standing: Standing;
    /** The release that ended ours. */
    endedBy?: MachineAction;
    /** The newest isolate in force that is not ours, finished after ours (on top of it): never ours to release. */
    onTop?: MachineAction;
    /** Isolates requested since ours ended, newest last: theirs, never ours to release or cancel. */
    since: MachineAction[];
    /** The Isolate or Unisolate that finished last: it decides whether the device is isolated. */
    current?: MachineAction;
    isolated: boolean;
    /** The newest Isolate and Unisolate in flight that are not ours. */
    pendingIsolate?: MachineAction;
    pendingRelease?: MachineAction;
    /** Isolates and Unisolates with a status outside the documented set. */
    odd: MachineAction[];
    /** The listing covers the operation's start: everything done to the device before it is seen. */
    covered: boolean;
    /** Why it does not, when it does not. */
    uncovered?: string;
    /** For the last request sent without a usable answer. */
    request?: RequestOutcome;
    /** What the evidence cannot tell, when that matters for ours. */
    unknown?: string;
}

const KINDS = new Set(["Isolate", "Unisolate"]);
const ENDED = new Set(["Failed", "TimeOut", "Cancelled"]);
const lower = (id: string) => id.toLowerCase();

export function isInFlight(status: string): boolean {
    return status === "Pending" || status === "InProgress";
}

/** A status the documented set holds. */
export function isKnownStatus(status: string): boolean {
    return isActionStatus(status);
}

/** An action of ours counts as the isolate it is, whatever type Defender reports (an UnManagedDevice contain may not say Isolate). */
function asIsolate(a: MachineAction): MachineAction {
    return a.type === "Isolate" ? a : { ...a, type: "Isolate" };
}

/** Finished after `b`, by completion order. */
const finishedAfter = (a: MachineAction, b: MachineAction) => compareFinished(a, b) > 0;

/** Whether the listing covers the moment `at`, given the ids known then: its horizon reaches it and it holds every one of them still known. */
function covers(e: Evidence, at: number, known: readonly string[]): { ok: boolean; why?: string } {
    const listed = new Set(e.listed.map((a) => lower(a.id)));
    const gone = new Set(e.gone.map(lower));
    const fresh = new Set(e.read.map((a) => lower(a.id)));
    const missing = known.map(lower).find((id) => fresh.has(id) && !gone.has(id) && !listed.has(id));
    if (missing !== undefined) return { ok: false, why: `the device's listing does not show ${missing} yet` };
    if (e.horizon < at) return { ok: false, why: "the device's listing may lag behind the last few seconds (defender:listingLagSeconds)" };
    return { ok: true };
}

/** The freshest copy of every action: read by id and answers win over the listing. */
function merge(e: Evidence): MachineAction[] {
    const byId = new Map<string, MachineAction>();
    for (const a of e.listed) byId.set(lower(a.id), a);
    for (const a of e.read) byId.set(lower(a.id), a);
    for (const s of e.sent) if (s.action) byId.set(lower(s.action.id), byId.get(lower(s.action.id)) ?? s.action);
    for (const id of e.gone) byId.delete(lower(id));
    const ours = e.ours === undefined ? undefined : byId.get(lower(e.ours));
    if (ours) byId.set(lower(ours.id), asIsolate(ours));
    return [...byId.values()].filter((a) => KINDS.has(a.type));
}

export function assess(e: Evidence): Assessment {
    const history = merge(e);
    const oursId = e.ours === undefined ? undefined : lower(e.ours);
    const ours = oursId === undefined ? undefined : history.find((a) => lower(a.id) === oursId);
    const others = history.filter((a) => lower(a.id) !== oursId);
    const odd = history.filter((a) => !isKnownStatus(a.status));
    const succeeded = history.filter((a) => a.status === "Succeeded").sort(compareFinished);
    const current = succeeded[succeeded.length - 1];
    const newestInFlight = (type: Kind) =>
        others
            .filter((a) => a.type === type && isInFlight(a.status))
            .sort(compareActions)
            .pop();
    const coverage = covers(e, e.since, e.ours ? [e.ours] : []);
    const a: Assessment = {
        history,
        ours,
        standing: "none",
        since: [],
        current,
        isolated: current?.type === "Isolate",
        odd,
        covered: coverage.ok,
        ...(coverage.ok ? {} : { uncovered: coverage.why }),
        pendingIsolate: newestInFlight("Isolate"),
        pendingRelease: newestInFlight("Unisolate"),
    };
    if (oursId !== undefined) standingOf(a, e, others);
    const last = e.sent[e.sent.length - 1];
    if (last !== undefined && last.outcome !== "answered") a.request = requestOutcome(e, a, last);
    return a;
}

function standingOf(a: Assessment, e: Evidence, others: MachineAction[]): void {
    const ours = a.ours;
    if (ours === undefined) {
        a.standing = e.gone.some((id) => lower(id) === lower(e.ours ?? "")) ? "gone" : "odd";
        if (a.standing === "odd") a.unknown = `the isolate ${e.ours} was neither listed nor read`;
        return goneStanding(a, others);
    }
    if (!isKnownStatus(ours.status)) {
        a.standing = "odd";
        a.unknown = `Defender reports the isolate ${ours.id} with the undocumented status ${ours.status}`;
        return;
    }
    if (isInFlight(ours.status)) {
        a.standing = "pending";
        return;
    }
    if (ENDED.has(ours.status)) {
        a.standing = "failed";
        return;
    }
    const releases = others.filter((x) => x.type === "Unisolate" && x.status === "Succeeded" && finishedAfter(x, ours)).sort(compareFinished);
    if (releases.length > 0) {
        a.standing = "ended";
        a.endedBy = releases[0];
        a.since = others
            .filter((x) => x.type === "Isolate" && (isInFlight(x.status) || (x.status === "Succeeded" && compareFinished(x, releases[0]) >= 0)))
            .sort(compareFinished);
        return;
    }
    a.standing = "inForce";
    a.onTop = others
        .filter((x) => x.type === "Isolate" && x.status === "Succeeded" && finishedAfter(x, ours))
        .sort(compareFinished)
        .pop();
}

/**
 * Ours is purged: Defender keeps the newest actions, so it is older than everything listed. A release in
 * the history ended it; an isolation in force that is listed is someone else's, on top; with neither,
 * nothing tells whether ours is in force.
 */
function goneStanding(a: Assessment, others: MachineAction[]): void {
    if (a.standing !== "gone") return;
    const release = others.filter((x) => x.type === "Unisolate" && x.status === "Succeeded").sort(compareFinished)[0];
    if (a.current?.type === "Isolate") {
        a.onTop = a.current;
        if (release) a.endedBy = release;
        return;
    }
    if (release) {
        a.endedBy = release;
        return;
    }
    a.unknown =
        "Defender no longer knows the isolate this resource recorded (purged) and lists no release of the device, so whether it is still in force cannot be told";
}

/** What a request without a usable answer (or refused as a duplicate) caused, as far as the evidence goes. */
function requestOutcome(e: Evidence, a: Assessment, sent: Sent): RequestOutcome {
    const before = new Set(sent.before.map(lower));
    const ourId = e.ours === undefined ? undefined : lower(e.ours);
    const coverage = covers(e, sent.at, sent.before);
    const ofKind = a.history.filter((x) => x.type === sent.type && lower(x.id) !== ourId);
    // Any action of that kind in flight: ours, one that raced it, or the one Defender refused ours for.
    const pending = ofKind
        .filter((x) => isInFlight(x.status) && fits(x, sent.scope))
        .sort(compareActions)
        .pop();
    if (pending) return { kind: "found", action: pending, caused: sent.outcome === "lost" && !before.has(lower(pending.id)) };
    if (sent.type === "Unisolate") {
        if (a.standing === "ended" && a.endedBy) return { kind: "done", by: a.endedBy };
    } else if (sent.outcome === "lost") {
        // A finished isolate is taken for the request's outcome only when it is new since the request and the listing covers the request.
        const fresh = ofKind.filter((x) => !before.has(lower(x.id)) && fits(x, sent.scope)).sort(compareFinished);
        const inForce = fresh.filter(
            (x) => x.status === "Succeeded" && !a.history.some((r) => r.type === "Unisolate" && r.status === "Succeeded" && finishedAfter(r, x)),
        );
        if (coverage.ok && inForce.length > 0) return { kind: "found", action: inForce[inForce.length - 1], caused: true };
        const failed = fresh.filter((x) => ENDED.has(x.status));
        if (coverage.ok && failed.length > 0 && inForce.length === 0) return { kind: "ended", action: failed[failed.length - 1] };
    }
    if (!coverage.ok) return { kind: "unknown", why: coverage.why ?? "" };
    return { kind: "notPerformed" };
}

/** Whether an isolate's reported scope fits the type asked for (no scope while pending cannot contradict it). */
function fits(a: MachineAction, scope: IsolationType | undefined): boolean {
    if (a.type !== "Isolate" || scope === undefined || a.scope === null) return true;
    if (a.scope === scope) return true;
    if (scope === "UnManagedDevice" && a.scope === "Full") return true;
    return !["Full", "Selective", "UnManagedDevice"].includes(a.scope);
}
