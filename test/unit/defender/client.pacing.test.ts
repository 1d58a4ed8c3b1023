import assert from "node:assert/strict";
import sinon from "sinon";
import type { DefenderClientEvent } from "../../../provider/defender";
import type { RecordedRequest } from "../../../testkit/http/recordingServer";
import { drive, fakeClock } from "./support/clock";
import { fakeCredential } from "./support/fakeCredential";
import { actionId, machineActionJson } from "./support/fixtures";
import { useHarness } from "./support/harness";
import { maxInAnyWindow } from "../../../testkit/requests/windows";

/** Answers GET /api/machineactions/{id} with that action. */
function answerAction(request: RecordedRequest) {
    return { status: 200, json: machineActionJson({ id: request.path.split("/").pop() }) };
}

describe("defender/client pacing, end to end (fake timers)", () => {
    const h = useHarness();
    const sandbox = sinon.createSandbox();
    afterEach(() => sandbox.restore());

    it("250 calls: at most 100 reach the API in any 60 s, each batch as soon as the window allows", async () => {
        const clock = fakeClock(sandbox);
        const t0 = Date.now();
        h.server.fallback("GET", "*", answerAction);
        const client = h.client();
        const ids = Array.from({ length: 250 }, (_, i) => actionId(i + 1));
        const actions = await drive(clock, Promise.all(ids.map((id) => client.getAction(id))));
        assert.deepEqual(
            actions.map((a) => a.id),
            ids,
        );
        const at = h.server.requests.map((r) => r.at - t0);
        assert.equal(at.length, 250);
        assert.equal(maxInAnyWindow(at, 60_000), 100);
        assert.deepEqual(
            [...at].sort((a, b) => a - b),
            [...Array(100).fill(0), ...Array(100).fill(60_000), ...Array(50).fill(120_000)],
        );
    });

    it("every limit holds at once: 5 a second and 12 in ten seconds", async () => {
        const clock = fakeClock(sandbox);
        const t0 = Date.now();
        h.server.fallback("GET", "*", answerAction);
        const client = h.client({
            rateLimits: [
                { calls: 5, perSeconds: 1 },
                { calls: 12, perSeconds: 10 },
            ],
        });
        await drive(clock, Promise.all(Array.from({ length: 30 }, (_, i) => client.getAction(actionId(i + 1)))));
        const at = h.server.requests.map((r) => r.at - t0);
        assert.equal(maxInAnyWindow(at, 1_000), 5);
        assert.equal(maxInAnyWindow(at, 10_000), 12);
        const sorted = [...at].sort((a, b) => a - b);
        assert.deepEqual(sorted.slice(0, 13), [0, 0, 0, 0, 0, 1_000, 1_000, 1_000, 1_000, 1_000, 2_000, 2_000, 10_000]);
    });

    it("clients of the same tenant and application share the budget; another application has its own", async () => {
        const clock = fakeClock(sandbox);
        const t0 = Date.now();
        h.server.fallback("GET", "*", answerAction);
        const same = { tenantId: "contoso.onmicrosoft.com", clientId: "11111111-2222-4333-8444-555555555555" };
        const a = h.client({ ...same, credential: fakeCredential() });
        const b = h.client({ ...same, credential: fakeCredential() });
        const other = h.client({ tenantId: same.tenantId, clientId: "99999999-2222-4333-8444-555555555555", credential: fakeCredential() });
        const calls = [
            ...Array.from({ length: 75 }, (_, i) => a.getAction(actionId(i + 1))),
            ...Array.from({ length: 75 }, (_, i) => b.getAction(actionId(i + 101))),
            ...Array.from({ length: 100 }, (_, i) => other.getAction(actionId(i + 201))),
        ];
        await drive(clock, Promise.all(calls));
        const at = (from: number, to: number) =>
            h.server.requests
                .filter((r) => {
                    const n = parseInt(r.path.slice(-12), 16);
                    return n >= from && n <= to;
                })
                .map((r) => r.at - t0);
        const shared = [...at(1, 75), ...at(101, 175)].sort((x, y) => x - y);
        assert.deepEqual(shared, [...Array(100).fill(0), ...Array(50).fill(60_000)]);
        assert.deepEqual(at(201, 300), Array(100).fill(0));
    });

    it("tells the caller while calls wait for the window", async () => {
        const clock = fakeClock(sandbox);
        h.server.fallback("GET", "*", answerAction);
        const events: DefenderClientEvent[] = [];
        const client = h.client({ rateLimits: [{ calls: 2, perSeconds: 30 }], onEvent: (e) => events.push(e) });
        await drive(clock, Promise.all([1, 2, 3, 4].map((n) => client.getAction(actionId(n)))));
        assert.deepEqual(events, [
            { type: "pacingWait", bucket: "actions.read", waitMs: 30_000, queued: 1, cause: "window" },
            { type: "pacingWait", bucket: "actions.read", waitMs: 30_000, queued: 2, cause: "window" },
        ]);
    });
});
