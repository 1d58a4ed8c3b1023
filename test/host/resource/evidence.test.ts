/**
 * What Defender really does, through the provider host: listings that lag behind new actions, answers
 * lost after the action was performed, history that disappears, isolations made on top of ours, and
 * statuses outside the documented set. Each case once broke ownership (docs/robustness.md, "Evidence");
 * each is checked against the emulator's own records.
 */
import { strict as assert } from "assert";
import { DEFAULT_DEVICES, type MachineActionJson } from "../../../emulator";
import type { DeviceIsolationArgs } from "../../../provider";
import type { PropertyMap, ProviderHost } from "../../../testkit/host/providerHost";
import { rejects, startWorld, type World } from "../../../testkit/world";

const LAPTOP = DEFAULT_DEVICES.finLaptop;
const MAC = DEFAULT_DEVICES.macLaptop;
const ANALYST = "analyst@contoso.com";
/** How long the provider allows a listing to lag (`defender:listingLagSeconds`), and the lags the emulator shows within it. */
const ALLOWED_LAG_SECONDS = 1.5;
const LAG_MS = 1000;

const laptop = (overrides: Partial<DeviceIsolationArgs> = {}): DeviceIsolationArgs => ({ machineId: LAPTOP.id, comment: "INC-2107 beacon", ...overrides });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("evidence: lag, lost answers, purged history, isolations on top, odd statuses (through the provider host)", function () {
    this.timeout(60_000);
    let world: World;

    before(async () => {
        world = await startWorld({ config: { listingLagSeconds: String(ALLOWED_LAG_SECONDS) } });
    });
    after(async () => {
        await world?.stop();
    });
    beforeEach(() => {
        world.emulator.reset();
    });

    const actionsOf = (machineId: string, type: string): MachineActionJson[] =>
        world.emulator.state().actions.filter((a) => a.machineId === machineId && a.type === type);
    const isolation = (machineId: string) => world.emulator.machine(machineId)?.isolation;
    const posts = (suffix: string) => world.apiCalls().filter((c) => c.startsWith("POST") && c.endsWith(suffix)).length;
    /** The next engine command, in a host that saw nothing of this one. */
    const next = (): Promise<ProviderHost> => world.nextDeployment({ listingLagSeconds: String(ALLOWED_LAG_SECONDS) });

    it("1: a release whose first answer is a 503 while listings lag behind our new isolate releases the device, never adopting an old release", async () => {
        // An old isolation and its release in the device's history.
        world.emulator.isolateOutOfBand(LAPTOP.id);
        await sleep(20);
        world.emulator.releaseOutOfBand(LAPTOP.id);
        const created = await world.create("laptop", laptop());
        assert.notEqual(created.id, actionsOf(LAPTOP.id, "Isolate")[0].id, "a new isolate, not the old one");
        const destroy = await next();
        world.emulator.hideFromListings(created.id, LAG_MS); // listings lag behind our isolate
        world.emulator.injectFault({ route: "unisolate", kind: "status", status: 503 });
        await destroy.delete(created.id, world.urn("laptop"), created.properties);
        assert.equal(isolation(LAPTOP.id)?.isolated, false, "released: the old release was not taken for ours");
        assert.equal(actionsOf(LAPTOP.id, "Unisolate").filter((a) => a.requestSource === "PublicApi").length, 1, "one release");
    });

    it("2: a type change whose isolate answer is lost while listings lag records the new isolate, never the old one, and sends no other", async () => {
        const created = await world.create("mac", { machineId: MAC.id, comment: "c" });
        world.emulator.advanceClock(2 * LAG_MS); // the first isolate is listed by now
        world.emulator.configure({ quirks: { indexingLagMs: LAG_MS } });
        world.emulator.injectFault({ route: "isolate", kind: "dropAfterPerform" });
        const news = await world.checked("mac", { machineId: MAC.id, comment: "c", isolationType: "Selective" });
        const up = await next();
        const updated = await up.update(created.id, world.urn("mac"), created.properties, news);
        const isolates = actionsOf(MAC.id, "Isolate");
        assert.equal(isolates.length, 2, "the first isolate and the one the type change caused, nothing more");
        assert.equal(updated.properties.machineActionId, isolates[1].id, "state records the Selective isolate our request caused");
        assert.equal(updated.properties.isolationType, "Selective");
        assert.equal(isolation(MAC.id)?.isolationType, "Selective");
    });

    it("3: create after a release that listings do not show yet isolates again, never adopting the released isolate", async () => {
        const first = await world.create("laptop", laptop());
        const closing = await next();
        await closing.delete(first.id, world.urn("laptop"), first.properties);
        assert.equal(isolation(LAPTOP.id)?.isolated, false);
        const reopening = await next();
        const inputs = await world.checked("laptop", laptop());
        world.emulator.hideFromListings(actionsOf(LAPTOP.id, "Unisolate")[0].id, LAG_MS); // listings lag behind the release
        const created = await reopening.create(world.urn("laptop"), inputs);
        assert.notEqual(created.id, first.id, "not the released isolate");
        assert.equal(isolation(LAPTOP.id)?.isolated, true, "the device is isolated again");
        assert.equal(created.properties.machineActionId, actionsOf(LAPTOP.id, "Isolate")[1].id);
    });

    it("4: delete leaves an analyst's isolation in place when ours is purged from Defender's history", async () => {
        const created = await world.create("laptop", laptop());
        world.emulator.releaseOutOfBand(LAPTOP.id);
        await sleep(20);
        world.emulator.isolateOutOfBand(LAPTOP.id, { requestor: ANALYST });
        assert.deepEqual(world.emulator.purgeActions({ ids: [created.id] }), [created.id]);
        world.emulator.clearRequests();
        const destroy = await next();
        await destroy.delete(created.id, world.urn("laptop"), created.properties);
        assert.equal(posts("/unisolate") + posts("/cancel"), 0, "nothing released or cancelled");
        assert.equal(isolation(LAPTOP.id)?.isolated, true, "the analyst's isolation stands");
        assert.match(destroy.stdout().join("\n") + destroy.stderr().join("\n"), /analyst@contoso\.com.*(left|leaves) .*in (place|force)/i);
    });

    it("5: delete never releases an isolation someone made on top of ours: it stays in force, ours leaves state, and the log says so", async () => {
        const created = await world.create("laptop", laptop());
        await sleep(20);
        world.emulator.isolateOutOfBand(LAPTOP.id, { requestor: ANALYST });
        world.emulator.clearRequests();
        const destroy = await next();
        await destroy.delete(created.id, world.urn("laptop"), created.properties);
        assert.equal(posts("/unisolate") + posts("/cancel"), 0, "nothing released or cancelled");
        assert.equal(isolation(LAPTOP.id)?.isolated, true, "the analyst's isolation stands");
        assert.match(destroy.stdout().join("\n") + destroy.stderr().join("\n"), /analyst@contoso\.com.*(left|leaves) .*in force/i);
    });

    describe("8: an action with an undocumented status fails only its own device", () => {
        /** Two devices isolated; an old action of the Mac's reports a status outside the documented set. */
        const twoDevices = async (): Promise<Array<{ id: string; properties: PropertyMap }>> => {
            const odd = world.emulator.isolateOutOfBand(MAC.id, { requestor: ANALYST }).action as MachineActionJson;
            await sleep(20);
            world.emulator.releaseOutOfBand(MAC.id);
            const created = [await world.create("laptop", laptop()), await world.create("mac", { machineId: MAC.id, comment: "c" })];
            world.emulator.reportStatus(odd.id, "Queued");
            return created;
        };

        it("refresh of both in one batch: the laptop is refreshed, the Mac's state is kept with a warning naming the action", async () => {
            const [lt, mac] = await twoDevices();
            const refresh = await next();
            const [a, b] = await Promise.all([refresh.read(lt.id, world.urn("laptop"), lt.properties), refresh.read(mac.id, world.urn("mac"), mac.properties)]);
            assert.equal(a.id, lt.id);
            assert.equal(b.id, mac.id, "kept: an unknown status proves nothing");
            assert.match(refresh.stderr().join("\n"), /Queued/);
        });

        it("create of both at once: the laptop is isolated; the Mac's create fails naming the action, nothing sent for it", async () => {
            const odd = world.emulator.isolateOutOfBand(MAC.id, { requestor: ANALYST }).action as MachineActionJson;
            world.emulator.releaseOutOfBand(LAPTOP.id); // something in each device's history
            world.emulator.reportStatus(odd.id, "Queued");
            world.emulator.clearRequests();
            const up = await next();
            const [lt, mac] = await Promise.allSettled([
                up.create(world.urn("laptop"), await world.checked("laptop", laptop())),
                up.create(world.urn("mac"), await world.checked("mac", { machineId: MAC.id, comment: "c" })),
            ]);
            assert.equal(lt.status, "fulfilled", lt.status === "rejected" ? String(lt.reason) : "");
            assert.equal(isolation(LAPTOP.id)?.isolated, true);
            assert.equal(mac.status, "rejected");
            assert.match(String(mac.reason), new RegExp(`${odd.id}.*Queued`));
            assert.equal(world.apiCalls().filter((c) => c.startsWith("POST") && c.includes(MAC.id)).length, 0);
        });

        it("delete of both at once: the laptop is released; the Mac's delete fails naming the action and keeps its state", async () => {
            const [lt, mac] = await twoDevices();
            const destroy = await next();
            const [a, b] = await Promise.allSettled([
                destroy.delete(lt.id, world.urn("laptop"), lt.properties),
                destroy.delete(mac.id, world.urn("mac"), mac.properties),
            ]);
            assert.equal(a.status, "fulfilled", a.status === "rejected" ? String(a.reason) : "");
            assert.equal(isolation(LAPTOP.id)?.isolated, false);
            assert.equal(b.status, "rejected");
            assert.match(String(b.reason), /Queued.*stays in state/);
            assert.equal(isolation(MAC.id)?.isolated, true);
        });
    });

    it("a lost release answer while listings lag: delete waits until they show it, and never sends a second", async () => {
        const created = await world.create("laptop", laptop());
        world.emulator.advanceClock(2 * LAG_MS);
        world.emulator.configure({ quirks: { indexingLagMs: LAG_MS } });
        world.emulator.injectFault({ route: "unisolate", kind: "dropAfterPerform" });
        const destroy = await next();
        await destroy.delete(created.id, world.urn("laptop"), created.properties);
        assert.equal(actionsOf(LAPTOP.id, "Unisolate").length, 1);
        assert.equal(isolation(LAPTOP.id)?.isolated, false);
    });

    it("a create whose isolate answer is lost while listings may lag longer than the deadline fails closed, and the next up records that isolate", async () => {
        world.emulator.configure({ quirks: { indexingLagMs: 60_000 } });
        world.emulator.injectFault({ route: "isolate", kind: "dropAfterPerform" });
        // Listings may lag 30 s here: within a 4 s deadline no listing covers the request.
        const up = await world.nextDeployment({ listingLagSeconds: "30" });
        await rejects(
            up.create(world.urn("laptop"), await world.checked("laptop", laptop({ completionTimeoutSeconds: 4 }))),
            /outcome of the isolate request is unknown.*Nothing is recorded/,
        );
        assert.equal(actionsOf(LAPTOP.id, "Isolate").length, 1, "never a second isolate");
        world.emulator.configure({ quirks: { indexingLagMs: 0 } });
        const again = await next();
        const created = await again.create(world.urn("laptop"), await world.checked("laptop", laptop()));
        assert.equal(created.id, actionsOf(LAPTOP.id, "Isolate")[0].id, "the isolate the lost request caused is recorded");
        assert.equal(actionsOf(LAPTOP.id, "Isolate").length, 1);
    });
});
