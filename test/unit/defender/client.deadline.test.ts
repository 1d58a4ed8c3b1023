// Deadlines that hold: a call's signal ends every wait in the funnel (the pacing queue, a Retry-After
// pause, a backoff, the token request, the exchange) with a DefenderApiError of kind "deadline", and
// nothing is sent after it. Fake timers drive the waits; a local server records what reached it.
import assert from "node:assert/strict";
import sinon from "sinon";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { createDeviceReadBatcher, pacingSnapshot } from "../../../provider/defender";
import { createActionPoller } from "../../../provider/defender/actionPoller";
import { drive, fakeClock, realDelay } from "./support/clock";
import { actionId, collection, errorBody, machineActionJson, machineJson, MACHINE_ID, OTHER_MACHINE_ID } from "./support/fixtures";
import { useHarness } from "./support/harness";
import { rejection } from "./support/rejection";

const ISOLATE = `/api/machines/${MACHINE_ID}/isolate`;
const MACHINE = `/api/machines/${MACHINE_ID}`;
const isolateBody = { comment: "INC-7 beacon", isolationType: "Full" } as const;
const retryAfter20 = { status: 429, headers: { "Retry-After": "20" }, json: errorBody("TooManyRequests", "Rate limit is exceeded. Try again in 20 seconds.") };

/** A signal that aborts `ms` after now, on the (possibly fake) global timer. */
function abortAfter(ms: number): AbortSignal {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new DOMException("The operation's deadline passed", "TimeoutError")), ms);
    return controller.signal;
}

describe("defender/client deadlines: a call's signal ends every wait", () => {
    const h = useHarness();
    const sandbox = sinon.createSandbox();
    afterEach(() => sandbox.restore());

    it("a 3 s deadline under two 429s with Retry-After 20 ends the call at 3 s, and nothing is sent afterwards", async () => {
        const clock = fakeClock(sandbox);
        h.server.enqueue("POST", ISOLATE, retryAfter20, retryAfter20);
        h.server.fallback("POST", ISOLATE, { status: 201, json: machineActionJson() });
        const t0 = Date.now();
        const e = await rejection(drive(clock, h.client().isolate(MACHINE_ID, isolateBody, { signal: abortAfter(3_000) })));
        assert.equal(Date.now() - t0, 3_000);
        assert.deepEqual([e.kind, e.outcomeUnknown, e.method, e.path], ["deadline", false, "POST", ISOLATE]);
        assert.equal(
            e.message,
            `Defender API POST ${ISOLATE} stopped at the deadline while waiting out the pause the API asked for (Retry-After, 17 s left); nothing was performed (the attempts sent were refused with 429 or 401)`,
        );
        await clock.tickAsync(60_000);
        await realDelay(20);
        assert.deepEqual(
            h.server.requests.map((r) => `${r.method} ${r.path} +${r.at - t0}`),
            [`POST ${ISOLATE} +0`],
        );
        assert.deepEqual(
            pacingSnapshot().map((b) => b.queued),
            [0],
            "the call left the queue",
        );
    });

    it("waiting for a slot in a full window: nothing was sent, and the calls behind it move up", async () => {
        const clock = fakeClock(sandbox);
        h.server.fallback("GET", "*", (r) => ({ status: 200, json: machineActionJson({ id: r.path.split("/").pop() }) }));
        const client = h.client({ rateLimits: [{ calls: 1, perSeconds: 60 }] });
        const t0 = Date.now();
        await drive(clock, client.getAction(actionId(1)));
        const stopped = client.getAction(actionId(2), { signal: abortAfter(5_000) });
        const behind = client.getAction(actionId(3));
        const e = await rejection(drive(clock, stopped));
        assert.equal(e.kind, "deadline");
        assert.equal(
            e.message,
            `Defender API GET /api/machineactions/${actionId(2)} stopped at the deadline while waiting for a slot in the actions.read budget (rateLimits)`,
        );
        assert.equal((await drive(clock, behind)).id, actionId(3));
        assert.deepEqual(
            h.server.requests.map((r) => [r.path.split("/").pop(), r.at - t0]),
            [
                [actionId(1), 0],
                [actionId(3), 60_000],
            ],
        );
    });

    it("a POST whose deadline passed before its turn says nothing was sent", async () => {
        const controller = new AbortController();
        controller.abort();
        const e = await rejection(h.client().isolate(MACHINE_ID, isolateBody, { signal: controller.signal }));
        assert.equal(e.kind, "deadline");
        assert.equal(e.outcomeUnknown, false);
        assert.match(e.message, /stopped at the deadline while waiting for its turn; nothing was sent$/);
        assert.equal(h.server.requests.length, 0);
        assert.equal(h.credential.calls, 0);
    });

    it("backing off after a 5xx: the GET is not sent again", async () => {
        const clock = fakeClock(sandbox);
        h.server.enqueue("GET", MACHINE, { status: 503, text: "" });
        h.server.fallback("GET", MACHINE, { status: 200, json: machineJson() });
        const client = h.client({ retry: { jitter: false, backoffBaseMs: 10_000, backoffMaxMs: 10_000 } });
        const e = await rejection(drive(clock, client.getMachine(MACHINE_ID, { signal: abortAfter(4_000) })));
        assert.equal(e.kind, "deadline");
        assert.equal(
            e.message,
            `Defender API GET ${MACHINE} stopped at the deadline while waiting for the backoff before sending again (serverError); after 1 attempt`,
        );
        await clock.tickAsync(30_000);
        await realDelay(20);
        assert.equal(h.server.requests.length, 1);
    });

    it("waiting for a token: the token request goes on for others, nothing is sent", async () => {
        const clock = fakeClock(sandbox);
        let answer: ((token: AccessToken) => void) | undefined;
        const slow: TokenCredential = { getToken: () => new Promise((resolve) => (answer = resolve)) };
        h.server.fallback("GET", MACHINE, { status: 200, json: machineJson() });
        const client = h.client({ credential: slow });
        const t0 = Date.now();
        const e = await rejection(drive(clock, client.getMachine(MACHINE_ID, { signal: abortAfter(2_000) })));
        assert.equal(Date.now() - t0, 2_000);
        assert.equal(e.message, `Defender API GET ${MACHINE} stopped at the deadline while waiting for a token from the login host`);
        // The shared token request still serves the next call.
        const next = client.getMachine(MACHINE_ID);
        answer?.({ token: "tok-1", expiresOnTimestamp: Date.now() + 3_600_000 });
        assert.equal((await drive(clock, next)).id, MACHINE_ID);
        assert.equal(h.server.requests.length, 1);
    });

    it("a POST on the wire when the deadline passes is awaited: its answer is what Defender accepted", async () => {
        h.server.enqueue("POST", ISOLATE, { status: 201, json: machineActionJson(), delayMs: 400 });
        const action = await h.client().isolate(MACHINE_ID, isolateBody, { signal: AbortSignal.timeout(150) });
        assert.equal(action.machineId, MACHINE_ID);
        assert.equal(h.server.requests.length, 1);
    });

    it("a POST on the wire past the deadline that gets no answer: the outcome unknown, not sent again", async () => {
        h.server.enqueue("POST", ISOLATE, { hang: true });
        const e = await rejection(h.client({ timeoutMs: 600 }).isolate(MACHINE_ID, isolateBody, { signal: AbortSignal.timeout(150) }));
        assert.equal(e.outcomeUnknown, true);
        await realDelay(100);
        assert.equal(h.server.requests.length, 1);
    });

    it("a GET on the wire when the deadline passes is not sent again", async () => {
        h.server.enqueue("GET", MACHINE, { hang: true });
        h.server.fallback("GET", MACHINE, { status: 200, json: machineJson() });
        const e = await rejection(h.client().getMachine(MACHINE_ID, { signal: AbortSignal.timeout(150) }));
        assert.deepEqual([e.kind, e.outcomeUnknown], ["deadline", false]);
        await realDelay(100);
        assert.equal(h.server.requests.length, 1);
    });

    it("a listing's signal reaches every page", async () => {
        const clock = fakeClock(sandbox);
        h.server.enqueue("GET", "/api/machineactions", { status: 200, json: collection([machineActionJson()]) }, retryAfter20);
        h.server.fallback("GET", "/api/machineactions", { status: 200, json: collection([]) });
        const e = await rejection(drive(clock, h.client({ pageSize: 1 }).listActions({}, { signal: abortAfter(10_000) })));
        assert.equal(e.kind, "deadline");
        assert.match(e.message, /Retry-After, 10 s left\); after 1 attempt$/);
        assert.equal(h.server.requests.length, 2);
    });

    it("refuses options that are not {signal: AbortSignal}, before any request", async () => {
        const client = h.client();
        const e = await rejection(client.getMachine(MACHINE_ID, { signal: "soon" as unknown as AbortSignal }));
        assert.equal(e.kind, "invalidInput");
        assert.match(e.message, /options\.signal must be an AbortSignal, such as AbortSignal\.timeout\(30000\); got "soon"$/);
        assert.equal((await rejection(client.listMachines({ ids: [MACHINE_ID] }, 5 as never))).kind, "invalidInput");
        assert.equal(h.server.requests.length, 0);
    });

    describe("the shared readers: one caller's deadline never ends the others' read", () => {
        it("a batched device read", async () => {
            h.server.fallback("GET", "/api/machineactions", { status: 200, json: collection([]) });
            h.server.fallback("GET", "/api/machines", { status: 200, json: collection([machineJson()]) });
            const batcher = createDeviceReadBatcher(h.client(), { gatherMs: 50, maxGatherMs: 50 });
            const controller = new AbortController();
            const stopped = batcher.read(OTHER_MACHINE_ID, { signal: controller.signal });
            const kept = batcher.read(MACHINE_ID);
            controller.abort();
            const e = await rejection(stopped);
            assert.equal(e.message, "Defender API GET /api/machines stopped at the deadline while waiting for the device's batched read");
            assert.equal((await kept).machine?.id, MACHINE_ID);
            // The device nobody waits for any more left the batch before it was sent.
            const listing = h.server.requests.find((r) => r.path === "/api/machines");
            assert.ok(listing && !listing.rawQuery.includes(OTHER_MACHINE_ID) && listing.rawQuery.includes(MACHINE_ID), listing?.rawQuery);
        });

        it("a status poll", async () => {
            h.server.fallback("GET", "/api/machineactions", { status: 200, json: collection([machineActionJson({ id: actionId(1), status: "Succeeded" })]) });
            const poller = createActionPoller(h.client(), { intervalMs: 30, readBudgetFree: () => true });
            const controller = new AbortController();
            const stopped = poller.next(actionId(2), { signal: controller.signal });
            const kept = poller.next(actionId(1));
            controller.abort();
            assert.equal((await rejection(stopped)).kind, "deadline");
            assert.equal((await kept).status, "Succeeded");
            assert.equal(poller.waiting, 0);
            assert.ok(h.server.requests.every((r) => !r.rawQuery.includes(actionId(2)) && !r.path.includes(actionId(2))));
        });
    });
});
