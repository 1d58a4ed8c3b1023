// Sliding-window rate limits per API and client id: 429 TooManyRequests with Retry-After.
import assert from "assert";
import sinon from "sinon";
import { DEFAULT_DEVICES, RunningEmulator, startEmulator } from "../../../emulator";
import { EmulatorClient, startTestEmulator } from "./helpers/fixtures";

const { finLaptop } = DEFAULT_DEVICES;

describe("emulator: rate limits", () => {
    let emu: RunningEmulator;
    let client: EmulatorClient;
    let clock: sinon.SinonFakeTimers;
    const sandbox = sinon.createSandbox();

    before(async () => {
        emu = await startTestEmulator();
    });
    after(async () => {
        await emu.stop();
    });
    beforeEach(async () => {
        clock = sandbox.useFakeTimers({ now: Date.parse("2030-06-01T12:00:00Z"), toFake: ["Date"] });
        emu.reset();
        emu.configure({ rateLimits: { windows: [{ calls: 3, perSeconds: 10 }] } });
        client = new EmulatorClient(emu);
        await client.signIn();
    });
    afterEach(() => sandbox.restore());

    it("answers the call over the limit 429 TooManyRequests with Retry-After until a slot frees", async () => {
        for (let i = 0; i < 3; i++) {
            assert.strictEqual((await client.getMachine(finLaptop.id)).status, 200);
            clock.tick(1000);
        }
        // Calls at 0s, 1s, 2s; now 3s: the first leaves the window at 10s.
        const r = await client.getMachine(finLaptop.id);
        assert.strictEqual(r.status, 429);
        assert.strictEqual(r.json.error.code, "TooManyRequests");
        assert.strictEqual(r.headers["retry-after"], "7");
        clock.tick(6500);
        const early = await client.getMachine(finLaptop.id);
        assert.strictEqual(early.status, 429, "retrying too soon earns another 429");
        assert.strictEqual(early.headers["retry-after"], "1", "ceil of the 0.5 s left");
        clock.tick(500);
        assert.strictEqual((await client.getMachine(finLaptop.id)).status, 200);
    });

    it("keeps separate budgets per API and per client id", async () => {
        for (let i = 0; i < 3; i++) await client.getMachine(finLaptop.id);
        assert.strictEqual((await client.getMachine(finLaptop.id)).status, 429);
        assert.strictEqual((await client.listMachines()).status, 429, "machines reads share one budget");
        assert.strictEqual((await client.listActions()).status, 200, "machine action reads are another");
        assert.strictEqual((await client.isolate(finLaptop.id)).status, 201);
        const other = new EmulatorClient(emu);
        await other.signIn({ client_id: "another-app" });
        assert.strictEqual((await other.getMachine(finLaptop.id)).status, 200);
    });

    it("counts every API separately: isolate, unisolate, cancel", async () => {
        emu.configure({ rateLimits: { windows: [{ calls: 1, perSeconds: 60 }] } });
        const a = await client.isolate(finLaptop.id);
        assert.strictEqual(a.status, 201);
        assert.strictEqual((await client.isolate(DEFAULT_DEVICES.hrLaptop.id)).status, 429);
        assert.strictEqual((await client.unisolate(finLaptop.id)).status, 201);
        assert.strictEqual((await client.cancel(a.json.id)).status, 200);
        assert.strictEqual((await client.cancel(a.json.id)).status, 429);
    });

    it("applies the tightest of several windows", async () => {
        emu.configure({
            rateLimits: {
                windows: [
                    { calls: 100, perSeconds: 60 },
                    { calls: 4, perSeconds: 3600 },
                ],
            },
        });
        for (let i = 0; i < 4; i++) {
            assert.strictEqual((await client.listActions()).status, 200);
            clock.tick(60_000);
        }
        const r = await client.listActions();
        assert.strictEqual(r.status, 429);
        assert.strictEqual(r.headers["retry-after"], String(3600 - 240));
    });

    it("omits Retry-After when configured to", async () => {
        emu.configure({ rateLimits: { windows: [{ calls: 1, perSeconds: 60 }], retryAfterHeader: false } });
        await client.listActions();
        const r = await client.listActions();
        assert.strictEqual(r.status, 429);
        assert.strictEqual(r.headers["retry-after"], undefined);
    });

    it("lifts one API's limit with perApi, and all limits with false", async () => {
        emu.configure({
            rateLimits: { windows: [{ calls: 1, perSeconds: 60 }], perApi: { machinesRead: false, machineActionsRead: [{ calls: 2, perSeconds: 60 }] } },
        });
        for (let i = 0; i < 5; i++) assert.strictEqual((await client.getMachine(finLaptop.id)).status, 200);
        assert.strictEqual((await client.listActions()).status, 200);
        assert.strictEqual((await client.listActions()).status, 200);
        assert.strictEqual((await client.listActions()).status, 429);
        emu.configure({ rateLimits: false });
        assert.strictEqual((await client.listActions()).status, 200);
    });

    it("limits to 100 calls a minute by default", async () => {
        const defaults = await startEmulator({ tls: false });
        try {
            const c = new EmulatorClient(defaults, defaults.issueToken());
            for (let i = 0; i < 100; i++) assert.strictEqual((await c.listActions()).status, 200);
            const r = await c.listActions();
            assert.strictEqual(r.status, 429);
            assert.strictEqual(r.headers["retry-after"], "60");
        } finally {
            await defaults.stop();
        }
    });
});
