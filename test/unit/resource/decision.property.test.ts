/**
 * The one decision (evidence.ts, steps.ts) over generated device histories: interleavings of our
 * actions and others', every status (one outside the documented set too), listings that lag per
 * action, answers lost after the action was performed (or before), and purged history. Each history is
 * a true timeline; the evidence is what the provider would see of it (a listing at some moment, our
 * action read by id, 404 for purged ones); the invariants compare the decision with the truth:
 *
 * 1. never release (or cancel) an isolation whose newest in-force isolate is someone else's;
 * 2. never drop state while an isolate of ours may be in force (unless someone else's is on top of it);
 * 3. never two isolates for one declaration or one type change (nor two releases): a request is sent
 *    again only when it was not performed;
 * 4. every isolate our requests caused is recorded (or superseded by the one recorded), or the step
 *    fails closed.
 * And the decision is live: with listings that cover the moments that matter, it never waits for more.
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import type { MachineAction } from "../../../provider/defender";
import { assess, type Evidence, type Kind, type Sent } from "../../../provider/resource/evidence";
import { planCreate, planDelete, planRead, planTypeChange } from "../../../provider/resource/steps";
import { counted } from "../../../testkit/faults/faultStats";

const MACHINE = "a1beb9c642989d916897d4ce0a770c37adc96b20";
const T0 = Date.parse("2031-05-01T08:00:00.000Z");
/** The allowance for listing lag the provider works with (ms); generated lags stay within it. */
const ALLOWANCE = 2000;
/** How an action ends; "Queued" stands for any status outside the documented set. */
type Final = "Succeeded" | "Failed" | "TimeOut" | "Cancelled" | "Queued";

type Scope = "Full" | "Selective";

/** One action as it really is. */
interface Truth {
    id: string;
    type: Kind;
    by: "us" | "them";
    scope: Scope;
    createdAt: number;
    /** Infinity: still in flight at every moment the history looks at. */
    finishedAt: number;
    final: Final;
    /** Listings show it from createdAt + lag on. */
    lag: number;
    purged: boolean;
}

const statusAt = (a: Truth, t: number): string =>
    a.final === "Queued" ? "Queued" : t < a.finishedAt ? (t - a.createdAt > 50 ? "InProgress" : "Pending") : a.final;
const inFlightAt = (a: Truth, t: number) => a.createdAt <= t && t < a.finishedAt && a.final !== "Queued";
const iso = (t: number) => new Date(t).toISOString();

function view(a: Truth, t: number): MachineAction {
    const status = statusAt(a, t);
    const finished = status !== "Pending" && status !== "InProgress";
    return {
        id: a.id,
        type: a.type,
        scope: a.type === "Isolate" && status !== "Pending" ? a.scope : null,
        requestor: a.by === "us" ? "provider-app" : "analyst@contoso.com",
        requestorComment: "c",
        status: status,
        machineId: MACHINE,
        computerDnsName: "fin-lt-042.contoso.com",
        creationDateTimeUtc: iso(a.createdAt),
        lastUpdateDateTimeUtc: iso(finished && Number.isFinite(a.finishedAt) ? a.finishedAt : a.createdAt),
        cancellationRequestor: null,
        cancellationComment: null,
        cancellationDateTimeUtc: null,
    };
}

/** Completion order, ties broken as Defender's timestamps and ids would (creation, then id). */
const byFinish = (a: Truth, b: Truth) => a.finishedAt - b.finishedAt || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Succeeded at `t`: the last of them decides; isolates finished after the last release are in force. */
function inForceAt(all: readonly Truth[], t: number): Truth[] {
    const done = all.filter((a) => a.createdAt <= t && a.finishedAt <= t && a.final === "Succeeded").sort(byFinish);
    const lastRelease = done.filter((a) => a.type === "Unisolate").pop();
    return done.filter((a) => a.type === "Isolate" && (lastRelease === undefined || byFinish(a, lastRelease) > 0));
}

interface RawAction {
    type: Kind;
    by: "us" | "them";
    scope: Scope;
    gap: number;
    duration: number;
    final: Final;
    lag: number;
}

const rawAction = fc.record({
    type: fc.constantFrom<Kind>("Isolate", "Unisolate"),
    by: fc.constantFrom<"us" | "them">("us", "them"),
    scope: fc.constantFrom<Scope>("Full", "Full", "Selective"),
    gap: fc.integer({ min: 1, max: 4000 }),
    duration: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 3000 }) }, { weight: 1, arbitrary: fc.constant(Infinity) }),
    final: fc.oneof(
        { weight: 12, arbitrary: fc.constant("Succeeded" as const) },
        { weight: 3, arbitrary: fc.constantFrom("Failed" as const, "TimeOut" as const, "Cancelled" as const) },
        { weight: 1, arbitrary: fc.constant("Queued" as const) },
    ),
    lag: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: ALLOWANCE })),
});

const scenario = fc.record({
    op: fc.constantFrom("create", "read", "delete", "typeChange"),
    prior: fc.array(rawAction, { minLength: 0, maxLength: 7 }),
    oursIndex: fc.nat(),
    purge: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat({ max: 4 }) }),
    sinceGap: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 3000 })),
    /**
     * Listings may lag beyond the allowance as a whole (they show only what was created this long
     * before): modelled only while that hides ours, which is read by id, so the evidence can tell.
     */
    oursLag: fc.oneof({ weight: 3, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 * ALLOWANCE }) }),
    /** Our request after the operation began: none, lost after it was performed, lost before, refused as a duplicate. */
    request: fc.constantFrom("none", "lostPerformed", "lostPerformed", "lostNotPerformed"),
    requestAfter: fc.integer({ min: 0, max: 1000 }),
    request2: rawAction,
    listAfter: fc.oneof(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 3 * ALLOWANCE })),
    asked: fc.constantFrom<Scope>("Full", "Selective"),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

interface World {
    /** The operation judged (a history with no isolate of ours to hold turns into a create). */
    op: Scenario["op"];
    all: Truth[];
    ours?: Truth;
    since: number;
    listedAt: number;
    /** Our request and what it caused. */
    sent?: Sent;
    caused?: Truth;
    evidence: Evidence;
}

/** Builds a consistent history: Defender refuses an action while one of its kind is in flight; purges take the oldest finished first. */
function build(s: Scenario): World {
    const all: Truth[] = [];
    let t = T0;
    const add = (r: RawAction, at: number, by = r.by, type = r.type, scope = r.scope): Truth | undefined => {
        if (all.some((a) => a.type === type && inFlightAt(a, at))) return undefined;
        const a: Truth = {
            id: `00000000-0000-4000-8000-${String(all.length + 1).padStart(12, "0")}`,
            type,
            by,
            scope,
            createdAt: at,
            finishedAt: at + r.duration,
            final: r.final,
            lag: r.lag,
            purged: false,
        };
        all.push(a);
        return a;
    };
    for (const r of s.prior) {
        t += r.gap;
        add(r, t);
    }
    const ourIsolates = all.filter((a) => a.by === "us" && a.type === "Isolate");
    const ours = s.op === "create" || ourIsolates.length === 0 ? undefined : ourIsolates[s.oursIndex % ourIsolates.length];
    if (s.op !== "create" && ours === undefined) {
        t += 100;
        const made = add({ ...s.request2, type: "Isolate", by: "us" }, t, "us", "Isolate");
        if (made === undefined) return build({ ...s, op: "create" });
        return finish(s, all, made, t);
    }
    return finish(s, all, ours, t);
}

function finish(s: Scenario, all: Truth[], ours: Truth | undefined, last: number): World {
    const since = last + s.sinceGap;
    const excess = ours && s.oursLag > ALLOWANCE ? { ours, by: s.oursLag } : undefined;
    let sent: Sent | undefined;
    let caused: Truth | undefined;
    let listedAt = since + s.listAfter;
    if (s.request !== "none" && s.op !== "read") {
        // The request goes only where the operation would send it: its plan on a listing taken before.
        const type: Kind = s.op === "delete" ? "Unisolate" : "Isolate";
        const at = since + s.requestAfter + s.listAfter;
        const before = evidenceAt(all, ours, since, at, [], excess);
        const plan = before.assessed;
        const wouldSend =
            s.op === "create"
                ? planCreate(plan, s.asked, [], true).do === "isolate"
                : s.op === "delete"
                  ? planDelete(plan, []).do === "release"
                  : planTypeChange(plan, []).do === "isolate";
        if (wouldSend) {
            const duplicate = all.some((a) => a.type === type && inFlightAt(a, at));
            if (s.request === "lostPerformed" && !duplicate) caused = addAt(all, s.request2, at, type, s.asked);
            const known = [...before.evidence.listed.map((a) => a.id), ...(ours ? [ours.id] : [])];
            sent = {
                type,
                at,
                outcome: duplicate && s.request === "lostPerformed" ? "conflict" : "lost",
                before: [...new Set(known)],
                ...(type === "Isolate" ? { scope: s.asked } : {}),
            };
            listedAt = at + s.requestAfter;
        }
    }
    // Purges: the oldest finished actions first, as a retention window does.
    const finished = all.filter((a) => a.finishedAt <= listedAt && a.final !== "Queued" && a !== caused).sort((a, b) => a.finishedAt - b.finishedAt);
    for (const a of finished.slice(0, s.purge)) a.purged = true;
    return { op: s.op, all, ours, since, listedAt, sent, caused, evidence: evidenceAt(all, ours, since, listedAt, sent ? [sent] : [], excess).evidence };
}

/**
 * What the provider sees at `listedAt`: the listing (lagging per action, purged ones gone), ours read by
 * id. An excess lag, when it hides ours, hides everything created in that time.
 */
function evidenceAt(all: Truth[], ours: Truth | undefined, since: number, listedAt: number, sent: Sent[], excess?: { ours: Truth; by: number }) {
    const behind = excess !== undefined && excess.ours.createdAt > listedAt - excess.by ? listedAt - excess.by : Infinity;
    const listed = all.filter((a) => !a.purged && a.createdAt + a.lag <= listedAt && a.createdAt <= behind).map((a) => view(a, listedAt));
    const evidence: Evidence = {
        listed,
        horizon: listedAt - ALLOWANCE,
        read: ours && !ours.purged ? [view(ours, listedAt)] : [],
        gone: ours?.purged ? [ours.id] : [],
        ...(ours ? { ours: ours.id } : {}),
        since,
        sent,
    };
    return { evidence, assessed: assess(evidence) };
}

function addAt(all: Truth[], r: RawAction, at: number, type: Kind, scope: Scope): Truth {
    const a: Truth = {
        id: `00000000-0000-4000-9000-${String(all.length + 1).padStart(12, "0")}`,
        type,
        by: "us",
        scope,
        createdAt: at,
        finishedAt: at + r.duration,
        final: r.final === "Queued" ? "Succeeded" : r.final,
        lag: r.lag,
        purged: false,
    };
    all.push(a);
    return a;
}

/** What was true when the operation began, as far as it concerns ownership: what anyone did before, what we did since. */
function truthAt(w: World): { world: Truth[]; newestInForce?: Truth; oursInForceOrPending: boolean; theirsPending: boolean } {
    const world = w.all.filter((a) => a.createdAt <= w.since || a.by === "us");
    const inForce = inForceAt(world, w.listedAt);
    const newestInForce = inForce.sort(byFinish).pop();
    const ours = w.ours;
    const oursInForceOrPending = ours !== undefined && (inFlightAt(ours, w.listedAt) || ours.final === "Queued" || inForce.includes(ours));
    const theirsPending = world.some((a) => a !== ours && a.type === "Isolate" && (inFlightAt(a, w.listedAt) || a.final === "Queued"));
    return { world, newestInForce, oursInForceOrPending, theirsPending };
}

/** An isolate of ours in force somewhere beneath another isolate: it could still be what keeps the device isolated. */
const othersOnTop = (w: World, newest: Truth | undefined) => newest !== undefined && newest !== w.ours;

const STATS = new Map<string, number>();
after(() => {
    if (process.env.DECISION_STATS)
        console.log(
            [...STATS]
                .sort()
                .map(([k, v]) => `${v}\t${k}`)
                .join("\n"),
        );
});
describe("the ownership decision over generated histories (property)", () => {
    it("holds the four invariants, and decides whenever the listing covers what matters", () => {
        fc.assert(
            fc.property(scenario, (s) => {
                const w = build(s);
                const a = assess(w.evidence);
                if (process.env.DECISION_STATS) {
                    const step =
                        w.op === "create"
                            ? planCreate(a, s.asked, w.evidence.sent, false)
                            : w.op === "read"
                              ? planRead(a)
                              : w.op === "delete"
                                ? planDelete(a, w.evidence.sent)
                                : planTypeChange(a, w.evidence.sent);
                    const key = `${w.op} ${a.standing} ${w.evidence.sent.length ? "sent" : "-"} ${a.onTop ? "onTop" : ""} ${step.do}`;
                    STATS.set(key, (STATS.get(key) ?? 0) + 1);
                }
                const truth = truthAt(w);
                const sent = w.evidence.sent;
                const performed = w.caused !== undefined;
                const complete =
                    w.all.every((x) => x.lag === 0 && !x.purged && x.final !== "Queued") &&
                    (w.ours === undefined || w.evidence.listed.some((x) => x.id === w.ours?.id)) &&
                    w.listedAt - ALLOWANCE >= Math.max(w.since, sent[0]?.at ?? 0);

                if (w.op === "create") {
                    const step = planCreate(a, s.asked, sent, false);
                    if (step.do === "isolate") assert.ok(!(sent.length > 0 && performed), "3: an isolate sent again although the first was performed");
                    if (step.do === "adopt") {
                        const x = w.all.find((y) => y.id === step.action.id) as Truth;
                        if (!step.caused)
                            assert.notEqual(x, w.caused, `4: ${x.id}, which our request caused, taken for someone else's (it would not be recorded)`);
                        if (step.caused && !inFlightAt(x, w.listedAt))
                            assert.ok(x.createdAt >= sent[0].at, `4: the finished ${x.id}, older than our request, taken for what it caused`);
                        assert.ok(
                            inFlightAt(x, w.listedAt) || inForceAt(truth.world, w.listedAt).includes(x),
                            `adopted ${x.id}, which is neither pending nor in force`,
                        );
                        if (performed && w.caused && w.caused.type === "Isolate") recordedOrSuperseded(w, x);
                    }
                    if (performed && step.do !== "fail" && step.do !== "relist")
                        assert.equal(step.do, "adopt", "4: the isolate our request caused is recorded");
                    if (complete) assert.notEqual(step.do, "relist", "live: a covering listing decides");
                }
                if (w.op === "read") {
                    const step = planRead(a);
                    if (step.do === "gone") assert.ok(!truth.oursInForceOrPending, `2: refresh dropped ${w.ours?.id}, which may still be in force`);
                }
                if (w.op === "delete") {
                    const step = planDelete(a, sent);
                    if (step.do === "release") {
                        assert.ok(!(sent.length > 0 && performed), "3: a release sent again although the first was performed");
                        assert.ok(!othersOnTop(w, truth.newestInForce), `1: released ${truth.newestInForce?.id}, someone else's isolation on top of ours`);
                        assert.ok(!truth.theirsPending, "1: a release raced someone else's pending isolate");
                    }
                    if (step.do === "cancel") assert.ok(w.ours && inFlightAt(w.ours, w.listedAt), "1: cancelled an isolate that is not our pending one");
                    if (step.do === "done") {
                        const theirsOnTop = truth.newestInForce !== undefined && truth.newestInForce !== w.ours;
                        assert.ok(!truth.oursInForceOrPending || theirsOnTop, `2: delete dropped ${w.ours?.id} while it may be in force`);
                    }
                    if (complete && !w.ours?.purged) assert.notEqual(step.do, "relist", "live: a covering listing decides");
                }
                if (w.op === "typeChange") {
                    const step = planTypeChange(a, sent);
                    if (step.do === "isolate") assert.ok(!(sent.length > 0 && performed), "3: a second isolate for one type change");
                    if (step.do === "record") {
                        const x = w.all.find((y) => y.id === step.action.id) as Truth;
                        recordedOrSuperseded(w, x);
                        if (!step.caused)
                            assert.notEqual(x, w.caused, `4: ${x.id}, which our request caused, taken for someone else's (it would not be recorded)`);
                        if (step.caused && !inFlightAt(x, w.listedAt))
                            assert.ok(x.createdAt >= sent[0].at, `4: the finished ${x.id}, older than our request, taken for what it caused`);
                    }
                    if (performed && step.do !== "fail" && step.do !== "relist")
                        assert.equal(step.do, "record", "4: the isolate our request caused is recorded");
                    if (complete) assert.notEqual(step.do, "relist", "live: a covering listing decides");
                }
            }),
            counted(12_000),
        );
    });
});

/** 4: what is recorded is the isolate our request caused, or one that came after it finished. */
function recordedOrSuperseded(w: World, recorded: Truth): void {
    const caused = w.caused;
    if (caused === undefined) return;
    assert.ok(recorded === caused || recorded.createdAt >= caused.finishedAt, `4: recorded ${recorded.id}, not the isolate ${caused.id} our request caused`);
}
