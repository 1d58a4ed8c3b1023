import assert from "node:assert/strict";
import { encodeQueryValue, odataEq, odataIn } from "../../../provider/defender";
import type { RecordedRequest } from "../../../testkit/http/recordingServer";
import { actionId, collection, errorBody, machineActionJson, machineJson } from "./support/fixtures";
import { summary, useHarness } from "./support/harness";
import { rejection } from "./support/rejection";

/** A deterministic device id: n as 40 hex digits. */
const deviceId = (n: number) => n.toString(16).padStart(40, "0");
const devices = (count: number) => Array.from({ length: count }, (_, i) => deviceId(i + 1));
const query = (filter: string, top = 10000) => `$filter=${encodeQueryValue(filter)}&$top=${top}`;
const quoted = (request: RecordedRequest) => [...(new URLSearchParams(request.rawQuery).get("$filter") ?? "").matchAll(/'([^']+)'/g)].map((m) => m[1]);
const line = (r: RecordedRequest) => `${r.method} ${r.path}${r.rawQuery ? `?${r.rawQuery}` : ""}`;

/** Answers a listing of actions with one Isolate per device its `machineId in` filter names. */
function answerMachineIdsIn(request: RecordedRequest) {
    return {
        status: 200,
        json: collection(quoted(request).map((id, i) => machineActionJson({ id: actionId(Number.parseInt(id, 16) * 100 + i), machineId: id }))),
    };
}

/** Answers a listing of machines with the devices its `id in` filter names, but the absent one. */
const answerIdsIn = (absent: string) => (request: RecordedRequest) => ({
    status: 200,
    json: collection(
        quoted(request)
            .filter((id) => id !== absent)
            .map((id) => machineJson({ id })),
    ),
});

describe("defender/client listings by device", () => {
    const h = useHarness();

    describe("listActions({ machineIds })", () => {
        it("asks with machineId in (...), 50 devices per request, each device once (case-insensitively)", async () => {
            const ids = devices(120);
            h.server.fallback("GET", "/api/machineactions", answerMachineIdsIn);
            const found = await h.client().listActions({ machineIds: [...ids, ids[3].toUpperCase()] });
            assert.deepEqual(
                found.map((a) => a.machineId),
                ids,
            );
            assert.deepEqual(
                h.server.requests.map(summary),
                [ids.slice(0, 50), ids.slice(50, 100), ids.slice(100)].map((chunk) => ({
                    method: "GET",
                    path: "/api/machineactions",
                    rawQuery: query(odataIn("machineId", chunk)),
                    body: "",
                })),
            );
        });

        it("keeps the other filters on the service side and checks them again here", async () => {
            const [a, b] = devices(2);
            h.server.enqueue("GET", "/api/machineactions", {
                status: 200,
                json: collection([
                    machineActionJson({ id: actionId(1), machineId: a }),
                    machineActionJson({ id: actionId(2), machineId: b, type: "Unisolate" }),
                    machineActionJson({ id: actionId(3), machineId: deviceId(9) }),
                ]),
            });
            const found = await h.client().listActions({ machineIds: [a, b], type: "Isolate" });
            assert.deepEqual(
                found.map((x) => x.id),
                [actionId(1)],
            );
            assert.deepEqual(
                h.server.requests.map((r) => r.rawQuery),
                [query(`${odataIn("machineId", [a, b])} and type eq 'Isolate'`)],
            );
        });

        it("pages each listing as the other listings do", async () => {
            const [a] = devices(1);
            h.server.enqueue(
                "GET",
                "/api/machineactions",
                { status: 200, json: collection([machineActionJson({ id: actionId(1), machineId: a }), machineActionJson({ id: actionId(2), machineId: a })]) },
                { status: 200, json: collection([machineActionJson({ id: actionId(3), machineId: a })]) },
            );
            const found = await h.client({ pageSize: 2 }).listActions({ machineIds: [a] });
            assert.deepEqual(
                found.map((x) => x.id),
                [1, 2, 3].map(actionId),
            );
            assert.deepEqual(
                h.server.requests.map((r) => r.rawQuery),
                [query(odataIn("machineId", [a]), 2), `${query(odataIn("machineId", [a]), 2)}&$skip=2`],
            );
        });

        it("falls back to one machineId eq listing per device when the service refuses `in`, and remembers it", async () => {
            const [a, b] = devices(2);
            h.server.enqueue("GET", "/api/machineactions", { status: 400, json: errorBody("ODataError", "The query specified in the URI is not valid.") });
            h.server.fallback("GET", "/api/machineactions", (r) => ({
                status: 200,
                json: collection([machineActionJson({ id: actionId(Number.parseInt(quoted(r)[0], 16)), machineId: quoted(r)[0] })]),
            }));
            const client = h.client();
            assert.deepEqual(
                (await client.listActions({ machineIds: [a, b] })).map((x) => x.machineId),
                [a, b],
            );
            assert.deepEqual(
                (await client.listActions({ machineIds: [b] })).map((x) => x.machineId),
                [b],
            );
            assert.deepEqual(
                h.server.requests.map((r) => r.rawQuery),
                [query(odataIn("machineId", [a, b])), query(odataEq("machineId", a)), query(odataEq("machineId", b)), query(odataEq("machineId", b))],
            );
        });

        it("once `in` worked, a later 400 is an error, not a fallback", async () => {
            h.server.enqueue(
                "GET",
                "/api/machineactions",
                { status: 200, json: collection([]) },
                { status: 400, json: errorBody("BadRequest", "something else") },
            );
            const client = h.client();
            await client.listActions({ machineIds: devices(1) });
            const e = await rejection(client.listActions({ machineIds: devices(2) }));
            assert.equal(e.status, 400);
            assert.equal(h.server.requests.length, 2);
        });

        it("refuses a bad id or a second device filter, naming the field, before any request", async () => {
            const bad = await rejection(h.client().listActions({ machineIds: [deviceId(1), "fin-lt-042"] }));
            assert.equal(bad.kind, "invalidInput");
            assert.match(bad.message, /filter\.machineIds\[1\]/);
            const both = await rejection(h.client().listActions({ machineIds: [deviceId(1)], machineId: deviceId(2) }));
            assert.match(both.message, /filter\.machineIds cannot be combined with filter\.machineId or filter\.ids/);
            const notList = await rejection(h.client().listActions({ machineIds: deviceId(1) as unknown as string[] }));
            assert.match(notList.message, /filter\.machineIds must be an array of device ids/);
            assert.equal(h.server.requests.length, 0);
        });

        it("no devices: no request", async () => {
            assert.deepEqual(await h.client().listActions({ machineIds: [] }), []);
            assert.equal(h.server.requests.length, 0);
        });
    });

    describe("listMachines({ ids })", () => {
        it("asks with id in (...), 50 per request, each id once, and leaves out a device only when its own read answers 404", async () => {
            const ids = devices(60);
            h.server.fallback("GET", "/api/machines", answerIdsIn(ids[7]));
            h.server.fallback("GET", `/api/machines/${ids[7]}`, { status: 404, json: errorBody("ResourceNotFound", "Machine not found") });
            const found = await h.client().listMachines({ ids: [...ids, ids[0].toUpperCase()] });
            assert.deepEqual(
                found.map((m) => m.id),
                ids.filter((id) => id !== ids[7]),
            );
            assert.deepEqual(h.server.requests.map(summary), [
                { method: "GET", path: "/api/machines", rawQuery: query(odataIn("id", ids.slice(0, 50))), body: "" },
                { method: "GET", path: `/api/machines/${ids[7]}`, rawQuery: "", body: "" },
                { method: "GET", path: "/api/machines", rawQuery: query(odataIn("id", ids.slice(50))), body: "" },
            ]);
        });

        it("a device a short page left out is read by itself, and kept when it exists", async () => {
            const [a, b] = devices(2);
            h.server.enqueue("GET", "/api/machines", { status: 200, json: collection([machineJson({ id: a })]) });
            h.server.fallback("GET", `/api/machines/${b}`, { status: 200, json: machineJson({ id: b }) });
            assert.deepEqual((await h.client().listMachines({ ids: [a, b] })).map((m) => m.id).sort(), [a, b].sort());
        });

        it("a failed read of a device the page left out fails the listing: absence is never guessed", async () => {
            const [a, b] = devices(2);
            h.server.enqueue("GET", "/api/machines", { status: 200, json: collection([machineJson({ id: a })]) });
            h.server.fallback("GET", `/api/machines/${b}`, { status: 403, json: errorBody("Forbidden", "no permission") });
            const e = await rejection(h.client({ retry: { limit: 0 } }).listMachines({ ids: [a, b] }));
            assert.equal(e.status, 403);
        });

        it("drops a device the answer holds but was not asked for", async () => {
            h.server.enqueue("GET", "/api/machines", { status: 200, json: collection([machineJson({ id: deviceId(1) }), machineJson({ id: deviceId(5) })]) });
            assert.deepEqual(
                (await h.client().listMachines({ ids: [deviceId(1)] })).map((m) => m.id),
                [deviceId(1)],
            );
        });

        it("falls back to single reads (404 = absent) when the service refuses `in`, and remembers it", async () => {
            const [a, b] = devices(2);
            h.server.enqueue("GET", "/api/machines", { status: 400, json: errorBody("ODataError", "The query specified in the URI is not valid.") });
            h.server.fallback("GET", `/api/machines/${a}`, { status: 200, json: machineJson({ id: a }) });
            h.server.fallback("GET", `/api/machines/${b}`, { status: 404, json: errorBody("ResourceNotFound", "Machine not found") });
            const client = h.client();
            assert.deepEqual(
                (await client.listMachines({ ids: [a, b] })).map((m) => m.id),
                [a],
            );
            assert.deepEqual(
                (await client.listMachines({ ids: [a] })).map((m) => m.id),
                [a],
            );
            assert.deepEqual(h.server.requests.map(line), [
                `GET /api/machines?${query(odataIn("id", [a, b]))}`,
                `GET /api/machines/${a}`,
                `GET /api/machines/${b}`,
                `GET /api/machines/${a}`,
            ]);
        });

        it("in the fallback, any failure but 404 fails the listing", async () => {
            h.server.enqueue("GET", "/api/machines", { status: 400, json: errorBody("ODataError", "not valid") });
            h.server.enqueue("GET", `/api/machines/${deviceId(1)}`, { status: 403, json: errorBody("Forbidden", "no permission") });
            const e = await rejection(h.client({ retry: { limit: 0 } }).listMachines({ ids: [deviceId(1)] }));
            assert.equal(e.status, 403);
        });

        it("remembers `in` per collection: a refusal on machines leaves action listings on `in`", async () => {
            const [a] = devices(1);
            h.server.enqueue("GET", "/api/machines", { status: 400, json: errorBody("ODataError", "not valid") });
            h.server.fallback("GET", `/api/machines/${a}`, { status: 200, json: machineJson({ id: a }) });
            h.server.fallback("GET", "/api/machineactions", answerMachineIdsIn);
            const client = h.client();
            await client.listMachines({ ids: [a] });
            await client.listActions({ machineIds: [a] });
            assert.deepEqual(h.server.requests.map(line), [
                `GET /api/machines?${query(odataIn("id", [a]))}`,
                `GET /api/machines/${a}`,
                `GET /api/machineactions?${query(odataIn("machineId", [a]))}`,
            ]);
        });

        it("refuses a bad id or filter, naming the field, before any request; no ids: no request", async () => {
            const bad = await rejection(h.client().listMachines({ ids: ["x".repeat(40)] }));
            assert.equal(bad.kind, "invalidInput");
            assert.match(bad.message, /filter\.ids\[0\]/);
            const none = await rejection(h.client().listMachines(undefined as unknown as { ids: string[] }));
            assert.match(none.message, /the listMachines filter must be an object/);
            assert.deepEqual(await h.client().listMachines({ ids: [] }), []);
            assert.equal(h.server.requests.length, 0);
        });
    });
});
