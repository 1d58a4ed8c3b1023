/**
 * The process-wide device-read batcher: reads asked for within the gathering window share one
 * `listActions({machineIds})` and one `listMachines({ids})`. Fake timers and an in-memory client that
 * records every call.
 */
import { strict as assert } from "assert";
import sinon from "sinon";
import {
    createDeviceReadBatcher,
    deviceReadBatcherFor,
    isDefenderApiError,
    type DefenderClient,
    type DeviceReadBatcherOptions,
    type ListActionsFilter,
    type ListMachinesFilter,
} from "../../../provider/defender";
import { actionId, machine, machineAction } from "./support/fixtures";

const deviceId = (n: number) => n.toString(16).padStart(40, "0");

interface FakeDefender {
    client: DefenderClient;
    /** "actions <ids>" / "machines <ids>", in call order. */
    calls: string[];
}

/** Devices 1..count exist but `absent`; each has one Isolate and, for `released`, a later Unisolate. */
function fakeDefender(opts: { absent?: string[]; released?: string[]; failMachines?: number } = {}): FakeDefender {
    const calls: string[] = [];
    let failures = opts.failMachines ?? 0;
    const client = {
        endpoints: { apiBaseUrl: "https://api.security.microsoft.com" },
        listActions(filter: ListActionsFilter) {
            const ids = [...(filter.machineIds ?? [])];
            calls.push(`actions ${ids.join(",")}`);
            return Promise.resolve(
                ids.flatMap((id) => [
                    machineAction({ id: actionId(Number.parseInt(id, 16)), machineId: id, status: "Succeeded" }),
                    ...(opts.released?.includes(id) ? [machineAction({ id: actionId(1000 + Number.parseInt(id, 16)), machineId: id, type: "Unisolate" })] : []),
                ]),
            );
        },
        listMachines(filter: ListMachinesFilter) {
            calls.push(`machines ${filter.ids.join(",")}`);
            if (failures > 0) {
                failures--;
                return Promise.reject(new Error("machines listing failed"));
            }
            return Promise.resolve(filter.ids.filter((id) => !opts.absent?.includes(id)).map((id) => machine({ id })));
        },
    } as unknown as DefenderClient;
    return { client, calls };
}

describe("defender/deviceReadBatcher", () => {
    const sandbox = sinon.createSandbox();
    let clock: sinon.SinonFakeTimers;

    beforeEach(() => {
        clock = sandbox.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    });
    afterEach(() => {
        sandbox.restore();
    });

    const batcher = (fake: FakeDefender, options: DeviceReadBatcherOptions = {}) => createDeviceReadBatcher(fake.client, options);

    it("gathers the reads of the window into one listing of each kind, and hands each its device", async () => {
        const fake = fakeDefender({ absent: [deviceId(2)], released: [deviceId(3)] });
        const b = batcher(fake);
        const reads = Promise.all([1, 2, 3].map((n) => b.read(deviceId(n))));
        await clock.tickAsync(49);
        assert.deepEqual(fake.calls, [], "still gathering");
        await clock.tickAsync(1);
        const [one, two, three] = await reads;
        assert.deepEqual(fake.calls, [`actions ${[1, 2, 3].map(deviceId).join(",")}`, `machines ${[1, 2, 3].map(deviceId).join(",")}`]);
        assert.deepEqual(one, {
            machineId: deviceId(1),
            machine: machine({ id: deviceId(1) }),
            actions: [machineAction({ id: actionId(1), machineId: deviceId(1), status: "Succeeded" })],
        });
        assert.equal(two.machine, undefined);
        assert.deepEqual(
            three.actions.map((a) => a.type),
            ["Isolate", "Unisolate"],
        );
        assert.deepEqual(b.stats, { batches: 1, devices: 3 });
    });

    it("sends a full batch at once and starts a new window for the next reads", async () => {
        const fake = fakeDefender();
        const b = batcher(fake, { batchSize: 2, gatherMs: 100 });
        const first = Promise.all([b.read(deviceId(1)), b.read(deviceId(2))]);
        await clock.tickAsync(0);
        assert.equal(fake.calls.length, 2, "a full batch does not wait");
        await first;
        const third = b.read(deviceId(3));
        await clock.tickAsync(99);
        assert.equal(fake.calls.length, 2);
        await clock.tickAsync(1);
        assert.equal((await third).machineId, deviceId(3));
        assert.deepEqual(fake.calls.slice(2), [`actions ${deviceId(3)}`, `machines ${deviceId(3)}`]);
    });

    it("keeps gathering while reads trickle in, a few ms apart, until none joins for gatherMs or maxGatherMs has passed", async () => {
        const fake = fakeDefender();
        const b = batcher(fake, { gatherMs: 50, maxGatherMs: 300 });
        const reads: Promise<unknown>[] = [];
        // One read every 20 ms, as the engine starts creates while registrations arrive.
        for (let n = 1; n <= 20; n++) {
            reads.push(b.read(deviceId(n)));
            await clock.tickAsync(20);
        }
        // 300 ms after the first read the batch went with the 15 that had joined; the rest gather again.
        assert.deepEqual(fake.calls.slice(0, 2), [
            `actions ${[...Array(15).keys()].map((i) => deviceId(i + 1)).join(",")}`,
            `machines ${[...Array(15).keys()].map((i) => deviceId(i + 1)).join(",")}`,
        ]);
        // The last read came at 380 ms; it is 400 now: the second batch goes at 430.
        await clock.tickAsync(29);
        assert.equal(fake.calls.length, 2, "the second batch waits for a quiet gatherMs");
        await clock.tickAsync(1);
        await Promise.all(reads);
        assert.deepEqual(b.stats, { batches: 2, devices: 20 });
    });

    it("asks for a device once when several reads want it, case-insensitively", async () => {
        const fake = fakeDefender();
        const b = batcher(fake);
        const id = "ab".repeat(20);
        const reads = Promise.all([b.read(id), b.read(id.toUpperCase())]);
        await clock.tickAsync(50);
        const [x, y] = await reads;
        assert.deepEqual(fake.calls, [`actions ${id}`, `machines ${id}`]);
        assert.deepEqual(x, y);
    });

    it("a failed batch fails every read in it; the next batch is read again", async () => {
        const fake = fakeDefender({ failMachines: 1 });
        const b = batcher(fake);
        const failed = [1, 2].map((n) =>
            b.read(deviceId(n)).then(
                () => "read",
                (e: Error) => e.message,
            ),
        );
        await clock.tickAsync(50);
        assert.deepEqual(await Promise.all(failed), ["machines listing failed", "machines listing failed"]);
        const again = b.read(deviceId(1));
        await clock.tickAsync(50);
        assert.equal((await again).machine?.id, deviceId(1));
    });

    it("refuses a bad device id without joining a batch", async () => {
        const fake = fakeDefender();
        const e = await batcher(fake)
            .read("fin-lt-042")
            .then(
                () => undefined,
                (err: unknown) => err,
            );
        assert.ok(isDefenderApiError(e) && e.kind === "invalidInput", String(e));
        assert.match(e.message, /machineId/);
        await clock.tickAsync(100);
        assert.deepEqual(fake.calls, []);
    });

    it("refuses bad options, naming the option", () => {
        assert.throws(() => batcher(fakeDefender(), { gatherMs: -1 }), /gatherMs must be a whole number from 0 to 60000; got -1/);
        assert.throws(() => batcher(fakeDefender(), { maxGatherMs: 60_001 }), /maxGatherMs must be a whole number from 0 to 60000; got 60001/);
        assert.throws(() => batcher(fakeDefender(), { batchSize: 0.5 }), /batchSize must be a whole number from 1/);
    });

    it("one batcher per client in the process", () => {
        const a = fakeDefender().client;
        assert.equal(deviceReadBatcherFor(a), deviceReadBatcherFor(a));
        assert.notEqual(deviceReadBatcherFor(a), deviceReadBatcherFor(fakeDefender().client));
    });
});
