// The action lifecycle, evaluated from timestamps: driven here by sinon's fake Date.
import assert from "assert";
import sinon from "sinon";
import { DEFAULT_DEVICES, RunningEmulator } from "../../../emulator";
import { CLIENT_ID, EmulatorClient, isolateBody, startTestEmulator } from "./helpers/fixtures";

const { finLaptop, macLaptop, offlineLaptop, unmanagedLaptop } = DEFAULT_DEVICES;
const T0 = Date.parse("2030-03-04T05:06:07.000Z");
const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, -1)}0000Z`;

describe("emulator: action lifecycle", () => {
    let emu: RunningEmulator;
    let client: EmulatorClient;
    let clock: sinon.SinonFakeTimers;
    const sandbox = sinon.createSandbox();

    before(async () => {
        emu = await startTestEmulator({ actionDelays: { toInProgressMs: 1000, toSucceededMs: 2000 }, offlineTimeoutMs: 3 * 86_400_000 });
    });
    after(async () => {
        await emu.stop();
    });
    beforeEach(async () => {
        clock = sandbox.useFakeTimers({ now: T0, toFake: ["Date"] });
        emu.reset();
        client = new EmulatorClient(emu);
        await client.signIn();
    });
    afterEach(() => sandbox.restore());

    async function status(id: string): Promise<{ status: string; lastUpdateDateTimeUtc: string; scope: string | null }> {
        const r = await client.getAction(id);
        assert.strictEqual(r.status, 200);
        return r.json;
    }

    it("goes Pending → InProgress → Succeeded with lastUpdateDateTimeUtc at each step, isolating on success", async () => {
        const id = (await client.isolate(finLaptop.id)).json.id;
        clock.tick(999);
        assert.deepStrictEqual(await status(id).then((a) => [a.status, a.lastUpdateDateTimeUtc]), ["Pending", iso(T0)]);
        assert.strictEqual(emu.machine(finLaptop.id)?.isolation.isolated, false);
        clock.tick(1);
        assert.deepStrictEqual(await status(id).then((a) => [a.status, a.lastUpdateDateTimeUtc, a.scope]), ["InProgress", iso(T0 + 1000), "Full"]);
        assert.strictEqual(emu.machine(finLaptop.id)?.isolation.isolated, false);
        clock.tick(5000);
        assert.deepStrictEqual(await status(id).then((a) => [a.status, a.lastUpdateDateTimeUtc]), ["Succeeded", iso(T0 + 3000)]);
        assert.deepStrictEqual(emu.machine(finLaptop.id)?.isolation, {
            isolated: true,
            isolationType: "Full",
            changedAt: iso(T0 + 3000),
            byActionId: id,
        });
    });

    it("isolating an isolated device with another type changes its type when that isolate succeeds", async () => {
        const first = (await client.isolate(macLaptop.id, isolateBody({ IsolationType: "Full" }))).json.id;
        clock.tick(3000);
        const second = await client.isolate(macLaptop.id, isolateBody({ IsolationType: "Selective" }));
        assert.strictEqual(second.status, 201, "accepted: only a pending isolate conflicts");
        clock.tick(1000);
        assert.deepStrictEqual(
            [emu.machine(macLaptop.id)?.isolation.isolationType, emu.machine(macLaptop.id)?.isolation.byActionId],
            ["Full", first],
            "still the old type while it runs",
        );
        clock.tick(2000);
        assert.deepStrictEqual(emu.machine(macLaptop.id)?.isolation, {
            isolated: true,
            isolationType: "Selective",
            changedAt: iso(T0 + 6000),
            byActionId: second.json.id,
        });
    });

    it("a failed isolate of another type leaves the device isolated as it was", async () => {
        const first = (await client.isolate(macLaptop.id, isolateBody({ IsolationType: "Full" }))).json.id;
        clock.tick(3000);
        const second = (await client.isolate(macLaptop.id, isolateBody({ IsolationType: "Selective" }))).json.id;
        emu.forceAction(second, "Failed");
        clock.tick(5000);
        assert.deepStrictEqual([emu.machine(macLaptop.id)?.isolation.isolationType, emu.machine(macLaptop.id)?.isolation.byActionId], ["Full", first]);
    });

    it("with quirks.conflictAcrossTypes, refuses an isolate while a release is in flight (and the reverse)", async () => {
        await client.isolate(finLaptop.id);
        clock.tick(3000);
        emu.configure({ quirks: { conflictAcrossTypes: true } });
        assert.strictEqual((await client.unisolate(finLaptop.id)).status, 201);
        const refused = await client.isolate(finLaptop.id);
        assert.deepStrictEqual([refused.status, refused.json.error.code], [400, "ActiveRequestAlreadyExists"]);
    });

    it("releases the device when an Unisolate succeeds", async () => {
        await client.isolate(macLaptop.id, isolateBody({ IsolationType: "Selective" }));
        clock.tick(3000);
        assert.strictEqual(emu.machine(macLaptop.id)?.isolation.isolationType, "Selective");
        const rel = (await client.unisolate(macLaptop.id)).json.id;
        clock.tick(3000);
        assert.strictEqual((await status(rel)).status, "Succeeded");
        assert.deepStrictEqual(emu.machine(macLaptop.id)?.isolation, {
            isolated: false,
            isolationType: null,
            changedAt: iso(T0 + 6000),
            byActionId: rel,
        });
    });

    it("keeps an offline device's action Pending, then TimeOut at the offline timeout", async () => {
        const id = (await client.isolate(offlineLaptop.id)).json.id;
        clock.tick(3 * 86_400_000 - 1);
        await client.signIn(); // the first token expired days ago
        assert.strictEqual((await status(id)).status, "Pending");
        clock.tick(1);
        const a = await status(id);
        assert.deepStrictEqual([a.status, a.lastUpdateDateTimeUtc], ["TimeOut", iso(T0 + 3 * 86_400_000)]);
        assert.strictEqual(emu.machine(offlineLaptop.id)?.isolation.isolated, false);
    });

    it("proceeds when the offline device comes back online", async () => {
        const id = (await client.isolate(offlineLaptop.id)).json.id;
        clock.tick(3_600_000);
        emu.setOnline(offlineLaptop.id, true);
        clock.tick(1000);
        await client.signIn(); // the first token expired after an hour
        assert.deepStrictEqual(await status(id).then((a) => [a.status, a.lastUpdateDateTimeUtc]), ["InProgress", iso(T0 + 3_601_000)]);
        clock.tick(2000);
        assert.strictEqual((await status(id)).status, "Succeeded");
        assert.strictEqual(emu.machine(offlineLaptop.id)?.isolation.isolated, true);
    });

    it("makes a not-yet-started action wait again when its device goes offline", async () => {
        const id = (await client.isolate(finLaptop.id)).json.id;
        clock.tick(500);
        emu.setOnline(finLaptop.id, false);
        clock.tick(10_000);
        assert.strictEqual((await status(id)).status, "Pending");
        emu.setOnline(finLaptop.id, true);
        clock.tick(3000);
        assert.strictEqual((await status(id)).status, "Succeeded");
    });

    it("proceeds on unmanaged devices regardless of their sensor", async () => {
        const id = (await client.isolate(unmanagedLaptop.id, { Comment: "contain" })).json.id;
        clock.tick(3000);
        assert.strictEqual((await status(id)).status, "Succeeded");
        assert.strictEqual(emu.machine(unmanagedLaptop.id)?.isolation.isolationType, "UnManagedDevice");
    });

    it("keeps the delays an action was created with when the config changes", async () => {
        const id = (await client.isolate(finLaptop.id)).json.id;
        emu.configure({ actionDelays: { toInProgressMs: 60_000, toSucceededMs: 60_000 } });
        clock.tick(3000);
        assert.strictEqual((await status(id)).status, "Succeeded");
    });

    describe("cancel", () => {
        it("cancels a Pending action with requestor, comment and time; it never succeeds", async () => {
            const id = (await client.isolate(finLaptop.id)).json.id;
            clock.tick(500);
            const r = await client.cancel(id, { Comment: "false positive" });
            assert.strictEqual(r.status, 200);
            assert.strictEqual(r.json["@odata.context"], `${emu.url}/api/$metadata#MachineActions/$entity`);
            assert.strictEqual(r.json.status, "Cancelled");
            assert.strictEqual(r.json.cancellationRequestor, CLIENT_ID);
            assert.strictEqual(r.json.cancellationComment, "false positive");
            assert.strictEqual(r.json.cancellationDateTimeUtc, iso(T0 + 500));
            assert.strictEqual(r.json.lastUpdateDateTimeUtc, iso(T0 + 500));
            clock.tick(10_000);
            assert.strictEqual((await status(id)).status, "Cancelled");
            assert.strictEqual(emu.machine(finLaptop.id)?.isolation.isolated, false);
        });

        it("cancels an InProgress action, without a body", async () => {
            const id = (await client.isolate(finLaptop.id)).json.id;
            clock.tick(1500);
            const r = await client.cancel(id);
            assert.strictEqual(r.status, 200);
            assert.strictEqual(r.json.status, "Cancelled");
            assert.strictEqual(r.json.cancellationComment, null);
        });

        it("answers 400 BadRequest for a finished action", async () => {
            const id = (await client.isolate(finLaptop.id)).json.id;
            clock.tick(3000);
            const r = await client.cancel(id, { Comment: "too late" });
            assert.strictEqual(r.status, 400);
            assert.strictEqual(r.json.error.code, "BadRequest");
            assert.strictEqual((await status(id)).status, "Succeeded");
        });

        it("answers 404 for an unknown action and 400 for a malformed body", async () => {
            const nf = await client.cancel("00000000-0000-0000-0000-000000000000");
            assert.strictEqual(nf.status, 404);
            assert.strictEqual(nf.json.error.code, "ResourceNotFound");
            const id = (await client.isolate(finLaptop.id)).json.id;
            const bad = await client.cancel(id, "{oops");
            assert.strictEqual(bad.json.error.code, "InvalidRequestBody");
            const badType = await client.cancel(id, { Comment: 7 });
            assert.strictEqual(badType.json.error.code, "InvalidRequestBody");
        });

        it("frees the device for a new isolate", async () => {
            const id = (await client.isolate(finLaptop.id)).json.id;
            await client.cancel(id);
            assert.strictEqual((await client.isolate(finLaptop.id)).status, 201);
        });
    });

    it("advances through the control clock as through real time", async () => {
        const id = (await client.isolate(offlineLaptop.id)).json.id;
        emu.advanceClock(3 * 86_400_000);
        await client.signIn();
        assert.strictEqual((await status(id)).status, "TimeOut");
        assert.strictEqual(emu.now().getTime(), T0 + 3 * 86_400_000);
    });
});
