import assert from "node:assert/strict";
import { encodeQueryValue, odataIn } from "../../../provider/defender";
import type { RecordedRequest } from "../../../testkit/http/recordingServer";
import { actionId, collection, errorBody, machineActionJson, machineJson, MACHINE_ID } from "./support/fixtures";
import { summary, useHarness } from "./support/harness";
import { rejection } from "./support/rejection";

const idsQuery = (ids: string[], top = 10000) => `$filter=${encodeQueryValue(odataIn("id", ids))}&$top=${top}`;
const byMachine = `$filter=${encodeQueryValue(`machineId eq '${MACHINE_ID}'`)}`;

/** Answers a listing with the actions whose ids its `in` filter names (what Defender does). */
function answerIdsIn(request: RecordedRequest) {
    const filter = new URLSearchParams(request.rawQuery).get("$filter") ?? "";
    const ids = [...filter.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    return { status: 200, json: collection(ids.map((id) => machineActionJson({ id }))) };
}

describe("defender/client listings", () => {
    const h = useHarness();

    describe("by ids", () => {
        it("asks with id in (...)", async () => {
            h.server.enqueue("GET", "/api/machineactions", {
                status: 200,
                json: collection([machineActionJson({ id: actionId(1) }), machineActionJson({ id: actionId(2) })]),
            });
            const found = await h.client().listActions({ ids: [actionId(1), actionId(2)] });
            assert.deepEqual(
                found.map((a) => a.id),
                [actionId(1), actionId(2)],
            );
            assert.deepEqual(h.server.requests.map(summary), [
                { method: "GET", path: "/api/machineactions", rawQuery: idsQuery([actionId(1), actionId(2)]), body: "" },
            ]);
            assert.equal(h.server.requests[0].rawQuery, `$filter=id%20in%20%28%27${actionId(1)}%27%2C%27${actionId(2)}%27%29&$top=10000`);
        });

        it("asks 50 ids per request, each id once (case-insensitively)", async () => {
            const ids = Array.from({ length: 120 }, (_, i) => actionId(i + 1));
            h.server.fallback("GET", "/api/machineactions", answerIdsIn);
            const found = await h.client().listActions({ ids: [...ids, ids[0].toUpperCase()] });
            assert.deepEqual(
                found.map((a) => a.id),
                ids,
            );
            assert.deepEqual(
                h.server.requests.map((r) => r.rawQuery),
                [idsQuery(ids.slice(0, 50)), idsQuery(ids.slice(50, 100)), idsQuery(ids.slice(100))],
            );
        });

        it("falls back to single reads when the service refuses `in`, and remembers it", async () => {
            h.server.enqueue("GET", "/api/machineactions", { status: 400, json: errorBody("ODataError", "The query specified in the URI is not valid.") });
            h.server.enqueue(
                "GET",
                `/api/machineactions/${actionId(1)}`,
                { status: 200, json: machineActionJson({ id: actionId(1) }) },
                { status: 200, json: machineActionJson({ id: actionId(1), status: "Succeeded" }) },
            );
            h.server.enqueue("GET", `/api/machineactions/${actionId(2)}`, { status: 404, json: errorBody("ResourceNotFound", "not found") });
            const client = h.client();
            assert.deepEqual(
                (await client.listActions({ ids: [actionId(1), actionId(2)] })).map((a) => a.id),
                [actionId(1)],
            );
            assert.deepEqual(
                (await client.listActions({ ids: [actionId(1)], status: "Succeeded" })).map((a) => a.status),
                ["Succeeded"],
            );
            assert.deepEqual(
                h.server.requests.map((r) => `${r.method} ${r.path}${r.rawQuery ? `?${r.rawQuery}` : ""}`),
                [
                    `GET /api/machineactions?${idsQuery([actionId(1), actionId(2)])}`,
                    `GET /api/machineactions/${actionId(1)}`,
                    `GET /api/machineactions/${actionId(2)}`,
                    `GET /api/machineactions/${actionId(1)}`,
                ],
            );
        });

        it("applies the other filters to single reads", async () => {
            h.server.enqueue("GET", "/api/machineactions", { status: 400, json: errorBody("ODataError", "bad query") });
            h.server.enqueue("GET", `/api/machineactions/${actionId(1)}`, { status: 200, json: machineActionJson({ id: actionId(1), type: "Unisolate" }) });
            const found = await h.client().listActions({ ids: [actionId(1)], type: "Isolate" });
            assert.deepEqual(found, []);
        });

        it("once `in` worked, a later 400 is an error, not a fallback", async () => {
            h.server.enqueue(
                "GET",
                "/api/machineactions",
                { status: 200, json: collection([]) },
                { status: 400, json: errorBody("BadRequest", "something else") },
            );
            const client = h.client();
            await client.listActions({ ids: [actionId(1)] });
            const e = await rejection(client.listActions({ ids: [actionId(2)] }));
            assert.equal(e.status, 400);
            assert.equal(e.code, "BadRequest");
            assert.equal(h.server.requests.length, 2);
        });

        it("no ids: no request", async () => {
            assert.deepEqual(await h.client().listActions({ ids: [] }), []);
            assert.equal(h.server.requests.length, 0);
        });
    });

    describe("paging", () => {
        it("goes on with $skip while pages come back full", async () => {
            h.server.enqueue(
                "GET",
                "/api/machineactions",
                { status: 200, json: collection([machineActionJson({ id: actionId(1) }), machineActionJson({ id: actionId(2) })]) },
                { status: 200, json: collection([machineActionJson({ id: actionId(3) }), machineActionJson({ id: actionId(4) })]) },
                { status: 200, json: collection([machineActionJson({ id: actionId(5) })]) },
            );
            const found = await h.client({ pageSize: 2 }).listActions({ machineId: MACHINE_ID });
            assert.deepEqual(
                found.map((a) => a.id),
                [1, 2, 3, 4, 5].map(actionId),
            );
            assert.deepEqual(
                h.server.requests.map((r) => r.rawQuery),
                [`${byMachine}&$top=2`, `${byMachine}&$top=2&$skip=2`, `${byMachine}&$top=2&$skip=4`],
            );
        });

        it("follows a same-origin @odata.nextLink", async () => {
            const next = `${h.server.url}/api/machineactions?$skiptoken=abc%3D%3D&$top=2`;
            h.server.enqueue(
                "GET",
                "/api/machineactions",
                { status: 200, json: collection([machineActionJson({ id: actionId(1) })], next) },
                { status: 200, json: collection([machineActionJson({ id: actionId(2) })]) },
            );
            const found = await h.client({ pageSize: 2 }).listActions({ machineId: MACHINE_ID });
            assert.deepEqual(
                found.map((a) => a.id),
                [actionId(1), actionId(2)],
            );
            assert.deepEqual(
                h.server.requests.map((r) => r.rawQuery),
                [`${byMachine}&$top=2`, "$skiptoken=abc%3D%3D&$top=2"],
            );
        });

        it("refuses a nextLink to another origin", async () => {
            h.server.enqueue("GET", "/api/machineactions", {
                status: 200,
                json: collection([machineActionJson()], "https://attacker.example/api/machineactions?$skiptoken=x"),
            });
            const e = await rejection(h.client().listActions({ machineId: MACHINE_ID }));
            assert.equal(e.kind, "invalidResponse");
            assert.match(
                e.message,
                /@odata\.nextLink points to https:\/\/attacker\.example\/api\/machineactions, outside http:\/\/127\.0\.0\.1:\d+; it is not followed$/,
            );
            assert.equal(h.server.requests.length, 1);
        });

        it("keeps a base path when following nextLinks, and refuses one outside it", async () => {
            h.server.enqueue(
                "GET",
                "/defender/api/machineactions",
                { status: 200, json: collection([machineActionJson({ id: actionId(1) })], `${h.server.url}/defender/api/machineactions?$skiptoken=2`) },
                { status: 200, json: collection([machineActionJson({ id: actionId(2) })], `${h.server.url}/other/api/machineactions?$skiptoken=3`) },
            );
            const e = await rejection(h.client({ apiBaseUrl: `${h.server.url}/defender/` }).listActions({ machineId: MACHINE_ID }));
            assert.match(
                e.message,
                /@odata\.nextLink points to http:\/\/127\.0\.0\.1:\d+\/other\/api\/machineactions, outside http:\/\/127\.0\.0\.1:\d+\/defender; it is not followed$/,
            );
            assert.deepEqual(
                h.server.requests.map((r) => `${r.path}?${r.rawQuery}`),
                [`/defender/api/machineactions?${byMachine}&$top=10000`, "/defender/api/machineactions?$skiptoken=2"],
            );
        });

        it("fails instead of cutting a listing longer than maxPages", async () => {
            h.server.fallback("GET", "/api/machineactions", {
                status: 200,
                json: collection([machineActionJson({ id: actionId(1) }), machineActionJson({ id: actionId(2) })]),
            });
            const e = await rejection(h.client({ pageSize: 2, maxPages: 3 }).listActions({ machineId: MACHINE_ID }));
            assert.equal(e.kind, "invalidResponse");
            assert.match(e.message, /the listing has more than maxPages \(3\) pages of 2; narrow the filter or raise maxPages$/);
            assert.equal(h.server.requests.length, 3);
        });

        it("a listing's own page bound overrides the client's, and each page is reported", async () => {
            const page = (n: number) => collection([machineActionJson({ id: actionId(2 * n + 1) }), machineActionJson({ id: actionId(2 * n + 2) })]);
            h.server.enqueue(
                "GET",
                "/api/machineactions",
                { status: 200, json: page(0) },
                { status: 200, json: page(1) },
                { status: 200, json: page(2) },
                { status: 200, json: collection([machineActionJson({ id: actionId(7) })]) },
            );
            const pages: unknown[] = [];
            const found = await h.client({ pageSize: 2, maxPages: 3 }).listActions({ type: "Isolate" }, { maxPages: 4, onPage: (p) => pages.push(p) });
            assert.equal(found.length, 7);
            assert.deepEqual(pages, [
                { path: "/api/machineactions", page: 1, items: 2, more: true },
                { path: "/api/machineactions", page: 2, items: 4, more: true },
                { path: "/api/machineactions", page: 3, items: 6, more: true },
                { path: "/api/machineactions", page: 4, items: 7, more: false },
            ]);
            h.server.enqueue("GET", "/api/machineactions", { status: 200, json: page(0) });
            const e = await rejection(h.client({ pageSize: 2 }).listActions({ type: "Isolate" }, { maxPages: 1 }));
            assert.match(e.message, /more than maxPages \(1\) pages of 2/);
        });

        it("a progress listener that throws does not break the listing", async () => {
            h.server.enqueue("GET", "/api/machineactions", { status: 200, json: collection([machineActionJson()]) });
            const found = await h.client().listActions(
                { type: "Isolate" },
                {
                    onPage: () => {
                        throw new Error("boom");
                    },
                },
            );
            assert.equal(found.length, 1);
        });

        it("refuses bad listing options before any request", async () => {
            for (const listing of [{ maxPages: 0 }, { maxPages: 1.5 }, { maxPages: 1001 }, { onPage: "x" }]) {
                const e = await rejection(h.client().listActions({}, listing as never));
                assert.equal(e.kind, "invalidInput");
                assert.match(e.message, /listing\.(maxPages must be a whole number from 1 to 1000|onPage must be a function)/);
            }
            assert.equal(h.server.requests.length, 0);
        });

        it("top: asks for no more than wanted and stops there", async () => {
            h.server.enqueue("GET", "/api/machineactions", {
                status: 200,
                json: collection([machineActionJson({ id: actionId(1) }), machineActionJson({ id: actionId(2) }), machineActionJson({ id: actionId(3) })]),
            });
            const found = await h.client().listActions({ machineId: MACHINE_ID, top: 2 });
            assert.deepEqual(
                found.map((a) => a.id),
                [actionId(1), actionId(2)],
            );
            assert.deepEqual(
                h.server.requests.map((r) => r.rawQuery),
                [`${byMachine}&$top=2`],
            );
        });

        it("machines by name page the same way", async () => {
            h.server.enqueue(
                "GET",
                "/api/machines",
                { status: 200, json: collection([machineJson()], "/api/machines?$skiptoken=p2") },
                { status: 200, json: collection([machineJson({ id: "d".repeat(40) })]) },
            );
            const found = await h.client().findMachinesByDnsName("fin-lt-042.contoso.com");
            assert.deepEqual(
                found.map((m) => m.id),
                [MACHINE_ID, "d".repeat(40)],
            );
            assert.deepEqual(
                h.server.requests.map((r) => r.rawQuery),
                ["$filter=computerDnsName%20eq%20%27fin-lt-042.contoso.com%27&$top=10000", "$skiptoken=p2"],
            );
        });

        it("refuses a page with a bad item, naming it", async () => {
            h.server.enqueue("GET", "/api/machineactions", { status: 200, json: collection([machineActionJson(), machineActionJson({ status: "" })]) });
            const e = await rejection(h.client().listActions({ machineId: MACHINE_ID }));
            assert.equal(e.kind, "invalidResponse");
            assert.match(e.message, /the answer is not a collection: value\[1\]: MachineAction field "status" must be a non-empty string/);
        });

        it("keeps an action whose status Defender does not document, with the status it sent: one odd action never fails the batch", async () => {
            h.server.enqueue("GET", "/api/machineactions", {
                status: 200,
                json: collection([machineActionJson(), machineActionJson({ id: actionId(2), status: "Queued" })]),
            });
            const actions = await h.client().listActions({ machineId: MACHINE_ID });
            assert.deepEqual(
                actions.map((a) => a.status),
                ["Pending", "Queued"],
            );
        });
    });
});
