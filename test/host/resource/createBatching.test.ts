/**
 * A mass isolation through the real provider host: the creates of one deployment read their devices
 * and actions in the batches reads and deletes share (`machineId in (...)`, `id in (...)`), so the read
 * budgets pay a few requests per 50 devices, not a lookup and a listing per device. Adoption still
 * decides from those listings: a device already isolating is adopted, not isolated twice.
 */
import { strict as assert } from "assert";
import { syntheticDevices, type RequestLogEntry } from "../../../emulator";
import { rejects } from "../../../testkit/world";
import { useWorld } from "../../../testkit/useWorld";

const COUNT = 120;
/** Device lookups and action listings; status polls (`id in`, GETs by action id) excluded. */
const isLookup = (r: RequestLogEntry) =>
    r.method === "GET" &&
    (r.path === "/api/machines" ||
        r.path.startsWith("/api/machines/") ||
        (r.path === "/api/machineactions" && !/(^|[\s(])id in \(/.test(r.query.$filter ?? "")));

describe("create of many resources: batched device reads", function () {
    this.timeout(120_000);
    const machineIds = syntheticDevices(COUNT).map((d) => d.id);
    const world = useWorld({ emulator: { fleet: { generate: COUNT } } });

    it(`creates ${COUNT} isolations with at most 0.1 reads per device, and adopts the isolation already in place`, async () => {
        const adopted = machineIds[7];
        const theirs = world.emulator.isolateOutOfBand(adopted).action;
        world.emulator.clearRequests();

        // Declared and checked first, then every create sent at once, as the engine does.
        const checked = await Promise.all(
            machineIds.map((machineId, i) => world.checked(`device-${i}`, { machineId, comment: "INC-2200 worm outbreak", waitForCompletion: false })),
        );
        world.emulator.clearRequests();
        const created = await Promise.all(checked.map((inputs, i) => world.host.create(world.urn(`device-${i}`), inputs)));

        const lookups = world.emulator.requests().filter(isLookup);
        assert.ok(lookups.length / COUNT <= 0.1, `reads per created device: ${lookups.length}/${COUNT}`);
        assert.deepEqual(
            lookups.filter((r) => / eq '/.test(r.query.$filter ?? "") || r.path.startsWith("/api/machines/")),
            [],
            "no per-device reads",
        );
        const isolates = world.emulator.requests().filter((r) => r.method === "POST" && r.path.endsWith("/isolate"));
        assert.deepEqual(
            isolates.map((r) => r.path).sort(),
            machineIds
                .filter((id) => id !== adopted)
                .map((id) => `/api/machines/${id}/isolate`)
                .sort(),
        );
        assert.equal(created[7].id, theirs?.id, "the isolation in place is adopted");
        for (const id of machineIds)
            assert.equal(world.emulator.state().actions.filter((a) => a.machineId === id && a.type === "Isolate").length, 1, `${id}: one isolate`);
    });

    it("a device Defender does not know fails its create by name, before any isolate", async () => {
        world.emulator.clearRequests();
        const unknown = "f".repeat(40);
        await rejects(world.create("unknown", { machineId: unknown, comment: "INC-2200 worm outbreak" }), /knows no device with this machineId/);
        assert.deepEqual(
            world.emulator.requests().filter((r) => r.method === "POST"),
            [],
        );
    });
});
