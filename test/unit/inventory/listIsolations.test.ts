// listIsolations through the Defender client against a scripted server: which requests it makes,
// and what a device missing from a lookup means.
import assert from "node:assert/strict";
import { listIsolations, type InventoryProgress } from "../../../provider/inventory";
import type { RecordedRequest } from "../../../testkit/http/recordingServer";
import { actionId, collection, errorBody, machineActionJson, machineJson } from "../defender/support/fixtures";
import { useHarness } from "../defender/support/harness";

const device = (n: number) => n.toString(16).padStart(40, "0");
const isolated = (n: number) => machineActionJson({ id: actionId(n), machineId: device(n), computerDnsName: `d${n}.contoso.com`, status: "Succeeded" });

/** Answers `id in (...)` with the devices it names, except those in `absent`. */
function machinesIn(absent: ReadonlySet<string> = new Set()) {
    return (request: RecordedRequest) => {
        const filter = new URLSearchParams(request.rawQuery).get("$filter") ?? "";
        const ids = [...filter.matchAll(/'([0-9a-f]{40})'/g)].map((m) => m[1]).filter((id) => !absent.has(id));
        return { status: 200, json: collection(ids.map((id) => machineJson({ id, computerDnsName: `now-${id.slice(-3)}.contoso.com` }))) };
    };
}

describe("inventory/listIsolations", () => {
    const h = useHarness();

    it("120 isolated devices: two listings and three lookups, never one request per device", async () => {
        h.server.enqueue(
            "GET",
            "/api/machineactions",
            { status: 200, json: collection(Array.from({ length: 120 }, (_, i) => isolated(i + 1))) },
            { status: 200, json: collection([]) },
        );
        h.server.fallback("GET", "/api/machines", machinesIn());
        const events: InventoryProgress[] = [];
        const inv = await listIsolations({ client: h.client(), onProgress: (e) => events.push(e) });
        assert.equal(inv.devices.length, 120);
        assert.deepEqual(inv.summary, { isolated: 120, isolating: 0, releasing: 0, released: 0 });
        assert.ok(
            inv.devices.every((d) => d.device?.found === true && d.computerDnsName?.startsWith("now-")),
            "the device's current name",
        );
        const paths = h.server.requests.map((r) => r.path);
        assert.deepEqual(paths.sort(), ["/api/machineactions", "/api/machineactions", "/api/machines", "/api/machines", "/api/machines"]);
        assert.deepEqual(
            events
                .filter((e) => e.phase === "devices")
                .map((e) => (e as { done: number }).done)
                .sort((a, b) => a - b),
            [50, 100, 120],
        );
    });

    it("a device missing from a lookup is read by id: only its 404 means gone", async () => {
        h.server.enqueue("GET", "/api/machineactions", { status: 200, json: collection([isolated(1), isolated(2)]) }, { status: 200, json: collection([]) });
        h.server.fallback("GET", "/api/machines", machinesIn(new Set([device(1), device(2)])));
        h.server.enqueue("GET", `/api/machines/${device(1)}`, { status: 200, json: machineJson({ id: device(1), healthStatus: "Inactive" }) });
        h.server.enqueue("GET", `/api/machines/${device(2)}`, { status: 404, json: errorBody("ResourceNotFound", "Machine was not found") });
        const inv = await listIsolations({ client: h.client() });
        assert.deepEqual(inv.devices.map((d) => [d.machineId, d.device]).sort(), [
            [device(1), { found: true, healthStatus: "Inactive", lastSeen: "2024-05-01T09:58:00Z" }],
            [device(2), { found: false, healthStatus: null, lastSeen: null }],
        ]);
    });

    it("a failed confirmation fails the inventory rather than calling a device gone", async () => {
        h.server.enqueue("GET", "/api/machineactions", { status: 200, json: collection([isolated(1)]) }, { status: 200, json: collection([]) });
        h.server.fallback("GET", "/api/machines", machinesIn(new Set([device(1)])));
        h.server.fallback("GET", `/api/machines/${device(1)}`, { status: 403, json: errorBody("Forbidden", "Missing application roles") });
        await assert.rejects(listIsolations({ client: h.client() }), /403 Forbidden/);
    });

    it("released devices are not looked up; lookupDevices: false looks up none", async () => {
        const released = machineActionJson({
            id: actionId(10),
            type: "Unisolate",
            machineId: device(9),
            status: "Succeeded",
            lastUpdateDateTimeUtc: "2024-05-02T00:00:00Z",
        });
        h.server.enqueue(
            "GET",
            "/api/machineactions",
            { status: 200, json: collection([{ ...isolated(9), machineId: device(9) }]) },
            { status: 200, json: collection([released]) },
        );
        const inv = await listIsolations({ client: h.client() });
        assert.deepEqual(
            inv.devices.map((d) => [d.state, d.device]),
            [["released", null]],
        );
        h.server.reset();
        h.server.enqueue("GET", "/api/machineactions", { status: 200, json: collection([isolated(1)]) }, { status: 200, json: collection([]) });
        const none = await listIsolations({ client: h.client(), lookupDevices: false });
        assert.equal(none.devices[0].device, null);
        assert.ok(h.server.requests.every((r) => r.path === "/api/machineactions"));
    });
});
