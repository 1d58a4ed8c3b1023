// The action history beyond recording it: a per-action listing lag, actions purged (on demand and by
// retention), and statuses outside the documented set; in process and over the control API.
import assert from "assert";
import sinon from "sinon";
import { DEFAULT_DEVICES, EmulatorControlError, RunningEmulator } from "../../../emulator";
import { EmulatorClient, odata, startTestEmulator } from "./helpers/fixtures";

const { finLaptop, hrLaptop } = DEFAULT_DEVICES;

describe("emulator: action history (lag per action, purges, undocumented statuses)", () => {
    let emu: RunningEmulator;
    let client: EmulatorClient;
    const sandbox = sinon.createSandbox();
    const T0 = Date.parse("2030-01-01T00:00:00.000Z");

    before(async () => {
        emu = await startTestEmulator({ actionDelays: { toInProgressMs: 1000, toSucceededMs: 1000 } });
    });
    after(async () => {
        await emu.stop();
    });
    beforeEach(async () => {
        sandbox.useFakeTimers({ now: T0, toFake: ["Date"] });
        emu.reset();
        client = new EmulatorClient(emu);
        await client.signIn();
    });
    afterEach(() => sandbox.restore());

    const listed = async (machineId: string): Promise<string[]> => {
        const r = await client.listActions(odata({ $filter: `machineId eq '${machineId}'` }));
        assert.strictEqual(r.status, 200, r.text);
        return r.json.value.map((a: { id: string }) => a.id);
    };

    it("hides one action from listings for a while, not from GET by id, and not the others", async () => {
        const first = (await client.isolate(finLaptop.id)).json.id;
        sandbox.clock.tick(3000);
        const release = (await client.unisolate(finLaptop.id)).json.id;
        const shown = emu.hideFromListings(release, 2000);
        assert.strictEqual(shown.id, release);
        assert.deepStrictEqual(await listed(finLaptop.id), [first]);
        assert.strictEqual((await client.getAction(release)).status, 200);
        sandbox.clock.tick(2000);
        assert.deepStrictEqual(await listed(finLaptop.id), [first, release]);
    });

    it("hides over the control API too, and refuses a bad duration naming it", async () => {
        const id = (await client.isolate(finLaptop.id)).json.id;
        const r = await client.control("POST", `/actions/${id}/hide`, { ms: 500 });
        assert.strictEqual(r.status, 200, r.text);
        assert.deepStrictEqual(await listed(finLaptop.id), []);
        const bad = await client.control("POST", `/actions/${id}/hide`, { ms: -1 });
        assert.strictEqual(bad.status, 400);
        assert.match(bad.json.error.message, /^ms: /);
        const unknown = await client.control("POST", `/actions/6a9b2b3c-0000-4000-8000-000000000000/hide`, { ms: 5 });
        assert.strictEqual(unknown.status, 404);
    });

    it("purges named actions: GET answers 404 ResourceNotFound, listings omit them, other devices keep theirs", async () => {
        const mine = (await client.isolate(finLaptop.id)).json.id;
        const theirs = (await client.isolate(hrLaptop.id)).json.id;
        assert.deepStrictEqual(emu.purgeActions({ ids: [mine] }), [mine]);
        const r = await client.getAction(mine);
        assert.strictEqual(r.status, 404);
        assert.strictEqual(r.json.error.code, "ResourceNotFound");
        assert.deepStrictEqual(await listed(finLaptop.id), []);
        assert.deepStrictEqual(await listed(hrLaptop.id), [theirs]);
        assert.strictEqual(emu.machine(finLaptop.id)?.isolation.isolated, false, "a purged pending isolate never takes effect");
    });

    it("purges a device's finished actions up to a time, over the control API, keeping unfinished ones", async () => {
        const old = (await client.isolate(finLaptop.id)).json.id;
        sandbox.clock.tick(5000);
        const release = (await client.unisolate(finLaptop.id)).json.id;
        sandbox.clock.tick(5000);
        const pending = (await client.isolate(finLaptop.id)).json.id;
        const r = await client.control("POST", "/actions/purge", { machineId: finLaptop.id, finishedBefore: new Date(T0 + 6000).toISOString() });
        assert.strictEqual(r.status, 200, r.text);
        assert.deepStrictEqual(r.json.purged, [old]);
        assert.deepStrictEqual(await listed(finLaptop.id), [release, pending]);
        const bad = await client.control("POST", "/actions/purge", { finishedBefore: "yesterday", colour: "red" });
        assert.strictEqual(bad.status, 400);
        assert.match(bad.json.error.message, /colour: unknown option.*finishedBefore: must be/);
    });

    it("actionRetentionMs: finished actions older than it disappear, as Defender's retention does", async () => {
        emu.configure({ actionRetentionMs: 60_000 });
        const old = (await client.isolate(finLaptop.id)).json.id;
        sandbox.clock.tick(30_000);
        assert.strictEqual((await client.getAction(old)).status, 200);
        sandbox.clock.tick(32_000);
        assert.strictEqual((await client.getAction(old)).status, 404);
        assert.deepStrictEqual(await listed(finLaptop.id), []);
        assert.throws(
            () => emu.configure({ actionRetentionMs: -5 }),
            (e: unknown) => e instanceof EmulatorControlError && /actionRetentionMs/.test(e.message),
        );
    });

    it("reports an undocumented status as given, in listings and by id, until cleared", async () => {
        const id = (await client.isolate(finLaptop.id)).json.id;
        assert.strictEqual(emu.reportStatus(id, "Queued").status, "Queued");
        assert.strictEqual((await client.getAction(id)).json.status, "Queued");
        const r = await client.listActions(odata({ $filter: `machineId eq '${finLaptop.id}'` }));
        assert.strictEqual(r.json.value[0].status, "Queued");
        assert.strictEqual(emu.reportStatus(id, null).status, "Pending");
        const bad = await client.control("POST", `/actions/${id}/status`, { status: "Not a word" });
        assert.strictEqual(bad.status, 400);
    });
});
