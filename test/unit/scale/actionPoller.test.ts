/**
 * The process-wide status poller: every action waited on is asked for together, in batches; a due
 * poll gives way while the read budget is fully used by other calls, for a bounded time. Fake timers
 * and an in-memory client that records every request.
 */
import { strict as assert } from "assert";
import { createActionPoller, DEFAULT_MAX_DEFER_MS, type ActionPollerOptions } from "../../../provider/defender/actionPoller";
import { pacerFor, type ActionStatus, type DefenderClient, type MachineAction } from "../../../provider/defender";
import { usePacingClock } from "../defender/support/clock";

const T0 = 1_700_000_000_000;
const API = "https://api.security.microsoft.com";

function actionId(n: number): string {
    return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

function action(n: number, overrides: Partial<MachineAction> = {}): MachineAction {
    return {
        id: actionId(n),
        type: "Isolate",
        scope: "Full",
        requestor: "app",
        requestorComment: "INC-9001",
        status: "Pending",
        machineId: n.toString(16).padStart(40, "0"),
        computerDnsName: null,
        creationDateTimeUtc: "2030-01-01T00:00:00Z",
        lastUpdateDateTimeUtc: null,
        cancellationRequestor: null,
        cancellationComment: null,
        cancellationDateTimeUtc: null,
        ...overrides,
    };
}

/** An in-memory Defender: statuses by action id, every request recorded as "list <n ids>" or "get <id>". */
function fakeClient(opts: { missingFromListings?: Set<string>; failListings?: number } = {}) {
    const statuses = new Map<string, ActionStatus>();
    const requests: string[] = [];
    let listingFailures = opts.failListings ?? 0;
    const find = (id: string) => {
        const n = Number.parseInt(id.slice(-12), 16);
        return action(n, { status: statuses.get(id) ?? "Pending" });
    };
    const client = {
        endpoints: { apiBaseUrl: API },
        listActions(filter: { ids?: readonly string[] } = {}) {
            requests.push(`list ${filter.ids?.length ?? 0}`);
            if (listingFailures > 0) {
                listingFailures--;
                return Promise.reject(new Error("listing failed"));
            }
            return Promise.resolve((filter.ids ?? []).filter((id) => !opts.missingFromListings?.has(id)).map(find));
        },
        getAction(id: string) {
            requests.push(`get ${id}`);
            return Promise.resolve(find(id));
        },
    } as unknown as DefenderClient;
    return { client, statuses, requests };
}

describe("scale: batched status poller", () => {
    const clock = usePacingClock(T0);

    const poller = (client: DefenderClient, options: ActionPollerOptions = {}) =>
        createActionPoller(client, { intervalMs: 1000, readBudgetFree: () => true, ...options });

    it("asks for every action waited on together, in batches of 50", async () => {
        const { client, statuses, requests } = fakeClient();
        const p = poller(client);
        const ids = Array.from({ length: 120 }, (_, i) => actionId(i + 1));
        ids.forEach((id) => statuses.set(id, "Succeeded"));
        const seen = Promise.all(ids.map((id) => p.next(id)));
        assert.equal(p.waiting, 120);
        await clock.tickAsync(1000);
        const actions = await seen;
        assert.deepEqual(
            actions.map((a) => a.id),
            ids,
        );
        assert.deepEqual(
            actions.map((a) => a.status),
            ids.map(() => "Succeeded"),
        );
        assert.deepEqual(requests, ["list 50", "list 50", "list 20"]);
        assert.equal(p.waiting, 0);
        assert.deepEqual(p.stats, { polls: 1, listRequests: 3, singleReads: 0, deferrals: 0 });
        await clock.tickAsync(10_000);
        assert.equal(requests.length, 3, "no poll without waiters");
    });

    it("polls once per interval, however many waits join in between", async () => {
        const { client, requests } = fakeClient();
        const p = poller(client);
        void p.next(actionId(1));
        await clock.tickAsync(600);
        void p.next(actionId(2));
        void p.next(actionId(2));
        await clock.tickAsync(400);
        assert.deepEqual(requests, ["list 2"]);
    });

    it("reads by id an action the listing does not show yet", async () => {
        const { client, requests } = fakeClient({ missingFromListings: new Set([actionId(2)]) });
        const p = poller(client);
        const both = Promise.all([p.next(actionId(1)), p.next(actionId(2))]);
        await clock.tickAsync(1000);
        assert.deepEqual(
            (await both).map((a) => a.id),
            [actionId(1), actionId(2)],
        );
        assert.deepEqual(requests, ["list 2", `get ${actionId(2)}`]);
    });

    it("gives way while the read budget is fully used, and polls as soon as it has room", async () => {
        const { client, requests } = fakeClient();
        let free = false;
        const p = poller(client, { readBudgetFree: () => free });
        let seenAt = -1;
        void p.next(actionId(1)).then(() => (seenAt = Date.now() - T0));
        await clock.tickAsync(5_000);
        assert.deepEqual(requests, []);
        assert.ok(p.stats.deferrals > 0);
        free = true;
        await clock.tickAsync(250);
        assert.deepEqual(requests, ["list 1"]);
        assert.ok(seenAt > 5_000 && seenAt <= 5_250, `seen at ${seenAt}`);
    });

    it("once a due poll has waited maxDeferMs, reads one batch anyway: the longest waits, one slot of a busy budget", async () => {
        const { client, statuses, requests } = fakeClient();
        const p = poller(client, { readBudgetFree: () => false, maxDeferMs: 3_000 });
        const ids = Array.from({ length: 120 }, (_, i) => actionId(i + 1));
        ids.forEach((id) => statuses.set(id, "Succeeded"));
        const seen: string[] = [];
        ids.forEach((id) => void p.next(id).then((a) => seen.push(a.id)));
        await clock.tickAsync(1000 + 2_999);
        assert.deepEqual(requests, []);
        await clock.tickAsync(250);
        assert.deepEqual(requests, ["list 50"]);
        assert.deepEqual(seen, ids.slice(0, 50));
        assert.equal(p.waiting, 70);
        assert.equal(DEFAULT_MAX_DEFER_MS, 60_000);
    });

    it("by default, gives way to calls queued in the process's actions.read pacing for the client's API host", async () => {
        const { client, requests } = fakeClient();
        const key = { apiHost: "api.security.microsoft.com", tenantId: "t", clientId: "c" };
        const reads = pacerFor(key, "actions.read", [{ calls: 1, perSeconds: 10 }]);
        await reads.acquire();
        const p = createActionPoller(client, { intervalMs: 1000 });
        void p.next(actionId(1));
        await clock.tickAsync(5_000);
        assert.deepEqual(requests, [], "the window is full");
        pacerFor({ ...key, apiHost: "api-gcc.securitycenter.microsoft.us" }, "actions.read", [{ calls: 1, perSeconds: 10 }]);
        await clock.tickAsync(5_000);
        assert.deepEqual(requests, ["list 1"], "the window has room again; another host's budget does not count");
    });

    it("by default, waits until the actions.read budget has been quiet for an interval (a burst may still be arriving)", async () => {
        const { client, requests } = fakeClient();
        const reads = pacerFor({ apiHost: "api.security.microsoft.com", tenantId: "t", clientId: "c" }, "actions.read", [{ calls: 10, perSeconds: 10 }]);
        const p = createActionPoller(client, { intervalMs: 1000 });
        void p.next(actionId(1));
        await clock.tickAsync(900);
        await reads.acquire();
        await clock.tickAsync(1_099);
        assert.deepEqual(requests, [], "a call went 1 s ago or less");
        await clock.tickAsync(1);
        assert.deepEqual(requests, ["list 1"]);
    });

    it("tells waiters of a failure only after maxConsecutiveFailures polls failed", async () => {
        const { client, requests } = fakeClient({ failListings: 10 });
        const p = poller(client, { maxConsecutiveFailures: 3 });
        let error: unknown;
        void p.next(actionId(1)).catch((e: unknown) => (error = e));
        await clock.tickAsync(2_000);
        assert.equal(error, undefined);
        await clock.tickAsync(1_000);
        assert.match(String(error), /listing failed/);
        assert.deepEqual(requests, ["list 1", "list 1", "list 1"]);
        assert.equal(p.waiting, 0);
    });

    it("keeps polling when the budget probe throws", async () => {
        const { client, requests } = fakeClient();
        const p = poller(client, {
            readBudgetFree: () => {
                throw new Error("probe broke");
            },
        });
        void p.next(actionId(1));
        await clock.tickAsync(1000);
        assert.deepEqual(requests, ["list 1"]);
    });
});
