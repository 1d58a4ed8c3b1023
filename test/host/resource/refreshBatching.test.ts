/**
 * Refresh of many resources at once through the real provider host: the reads of one deployment
 * share batched device reads (`machineId in (...)`, `id in (...)`), so the API budgets pay a few
 * requests per 50 devices instead of 3 per resource. Checked against the emulator's request log.
 */
import { strict as assert } from "assert";
import { syntheticDevices, type RequestLogEntry, type RunningEmulator } from "../../../emulator";
import type { PropertyMap } from "../../../testkit/host/providerHost";
import type { World } from "../../../testkit/world";
import { useWorld } from "../../../testkit/useWorld";

interface Created {
    name: string;
    machineId: string;
    id: string;
    properties: PropertyMap;
}

/** Declares and creates one resource per device, all at once, as `pulumi up` does. */
async function createAll(world: World, machineIds: readonly string[]): Promise<Created[]> {
    return Promise.all(
        machineIds.map(async (machineId, i) => {
            const name = `device-${i}`;
            const { id, properties } = await world.create(name, { machineId, comment: "INC-2100 worm outbreak" });
            return { name, machineId, id, properties };
        }),
    );
}

/** Refreshes every resource at once, as `pulumi refresh` does. */
function readAll(world: World, created: readonly Created[]) {
    return Promise.all(created.map((c) => world.host.read(c.id, world.urn(c.name), c.properties)));
}

/** GET requests of each read budget, in arrival order. */
function readsByBudget(emulator: RunningEmulator): { actions: RequestLogEntry[]; machines: RequestLogEntry[] } {
    const gets = emulator.requests().filter((r) => r.method === "GET");
    return {
        actions: gets.filter((r) => r.path === "/api/machineactions" || r.path.startsWith("/api/machineactions/")),
        machines: gets.filter((r) => r.path === "/api/machines" || r.path.startsWith("/api/machines/")),
    };
}

/** The quoted values of a request's $filter. */
const filterValues = (r: RequestLogEntry): string[] => [...(r.query.$filter ?? "").matchAll(/'([^']+)'/g)].map((m) => m[1]);

const sorted = (values: readonly string[]) => [...values].sort();

describe("refresh of many resources: batched device reads", function () {
    this.timeout(120_000);
    const COUNT = 60;
    const machineIds = syntheticDevices(COUNT).map((d) => d.id);
    const world = useWorld({ emulator: { fleet: { generate: COUNT } } });
    let created: Created[];

    before(async () => {
        created = await createAll(world, machineIds);
    });

    it("reads 60 resources in at most 4 requests per budget, and finds the one released out of band", async () => {
        const released = created[17];
        world.emulator.releaseOutOfBand(released.machineId);
        world.emulator.clearRequests();

        const reads = await readAll(world, created);

        const { actions, machines } = readsByBudget(world.emulator);
        assert.ok(actions.length >= 2 && actions.length <= 4, `actions.read requests: ${actions.length}`);
        assert.ok(machines.length >= 2 && machines.length <= 4, `machines.read requests: ${machines.length}`);
        for (const r of actions) assert.match(r.query.$filter ?? "", /^machineId in \('[0-9a-f]{40}'(,'[0-9a-f]{40}'){0,49}\)$/, r.url);
        for (const r of machines) assert.match(r.query.$filter ?? "", /^id in \('[0-9a-f]{40}'(,'[0-9a-f]{40}'){0,49}\)$/, r.url);
        assert.deepEqual(sorted(actions.flatMap(filterValues)), sorted(machineIds), "each device listed once");
        assert.deepEqual(sorted(machines.flatMap(filterValues)), sorted(machineIds), "each device looked up once");
        assert.deepEqual(
            world.apiCalls().filter((c) => !c.startsWith("GET /api/machineactions?") && !c.startsWith("GET /api/machines?")),
            [],
        );

        reads.forEach((read, i) => {
            const c = created[i];
            if (c === released) return assert.equal(read.id, "", `${c.name} was released out of band`);
            assert.equal(read.id, c.id, `${c.name} is kept`);
            assert.equal(read.properties.status, "Succeeded");
            assert.equal(read.properties.machineId, c.machineId);
        });
    });

    it("a failed batch fails the reads in it: no resource is kept or dropped on missing data", async () => {
        const kept = created.filter((_, i) => i !== 17).slice(0, 5);
        world.emulator.clearRequests();
        world.emulator.injectFault({ route: "listMachines", kind: "status", status: 403, code: "Forbidden", count: 1 });
        const outcomes = await Promise.allSettled(kept.map((c) => world.host.read(c.id, world.urn(c.name), c.properties)));
        world.emulator.clearFaults();
        assert.deepEqual(
            outcomes.map((o) => o.status),
            kept.map(() => "rejected"),
        );
        for (const o of outcomes) assert.match(String((o as PromiseRejectedResult).reason), /403/);
        const { machines } = readsByBudget(world.emulator);
        assert.deepEqual(
            machines.map((r) => r.status),
            [403],
        );
    });
    it("a mass release reads its devices in batches too: one unisolate per device, no per-device reads", async () => {
        const released = created[17]; // released out of band in the first test: nothing to do for it
        world.emulator.clearRequests();

        await Promise.all(created.map((c) => world.host.delete(c.id, world.urn(c.name), c.properties)));

        const { actions, machines } = readsByBudget(world.emulator);
        const deviceListings = actions.filter((r) => /^machineId in \(/.test(r.query.$filter ?? ""));
        assert.ok(deviceListings.length >= 2 && deviceListings.length <= 4, `device listings: ${deviceListings.length}`);
        assert.ok(machines.length >= 2 && machines.length <= 4, `device lookups: ${machines.length}`);
        assert.deepEqual(
            actions.filter((r) => /^machineId eq/.test(r.query.$filter ?? "") || r.path.startsWith("/api/machineactions/")),
            [],
            "no per-device reads",
        );
        const unisolates = world.emulator.requests().filter((r) => r.method === "POST" && r.path.endsWith("/unisolate"));
        assert.deepEqual(
            sorted(unisolates.map((r) => r.path)),
            sorted(created.filter((c) => c !== released).map((c) => `/api/machines/${c.machineId}/unisolate`)),
        );
        for (const c of created) assert.equal(world.emulator.machine(c.machineId)?.isolation.isolated, false, `${c.name} released`);
    });
});

describe("refresh of many resources when the service refuses `in`", function () {
    this.timeout(60_000);
    const COUNT = 6;
    const machineIds = syntheticDevices(COUNT).map((d) => d.id);
    const world = useWorld({ emulator: { fleet: { generate: COUNT }, quirks: { filterInSupported: false } } });
    let created: Created[];

    before(async () => {
        created = await createAll(world, machineIds);
    });

    it("falls back to one listing and one device read per device, with the same answers", async () => {
        const [released, deleted] = [created[1], created[4]];
        world.emulator.releaseOutOfBand(released.machineId);
        world.emulator.deleteMachine(deleted.machineId);
        world.emulator.clearRequests();

        const reads = await readAll(world, created);

        const { actions, machines } = readsByBudget(world.emulator);
        const refused = (r: RequestLogEntry) => r.status === 400 && / in \(/.test(r.query.$filter ?? "");
        // Creates (in batches too) already found that the service refuses `in`: no `in` request is asked again.
        assert.deepEqual(sorted(actions.filter((r) => !refused(r)).map((r) => r.query.$filter ?? "")), sorted(machineIds.map((id) => `machineId eq '${id}'`)));
        assert.deepEqual(actions.filter(refused), [], "no refused listing");
        assert.deepEqual(machines.filter(refused), [], "no refused device listing");
        assert.deepEqual(
            sorted(machines.filter((r) => !refused(r)).map((r) => `${r.path} ${r.status}`)),
            sorted(machineIds.map((id) => `/api/machines/${id} ${id === deleted.machineId ? 404 : 200}`)),
        );

        reads.forEach((read, i) => {
            const c = created[i];
            if (c === released || c === deleted) return assert.equal(read.id, "", `${c.name} is gone`);
            assert.equal(read.id, c.id, `${c.name} is kept`);
            assert.equal(read.properties.status, "Succeeded");
        });
    });
});
