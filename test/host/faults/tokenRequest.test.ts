/**
 * The token request's own promises (provider/defender/auth.ts), through the real provider host.
 * README, Limitations: "every HTTP call has its own timeout" — the host cannot cancel an operation,
 * so a token request that never answers must not hold a create forever; and its failures say what
 * failed.
 */
import { strict as assert } from "assert";
import { DEFAULT_DEVICES } from "../../../emulator";
import { FAST_TIMEOUT_SECONDS, startRig, type OpResult, type Rig } from "../../../testkit/faults/faultRig";

const LAPTOP = DEFAULT_DEVICES.finLaptop;

describe("the token request", function () {
    this.timeout(60_000);
    let rig: Rig;

    before(async () => {
        rig = await startRig();
    });
    after(async () => {
        await rig?.stop();
    });
    beforeEach(() => rig.reset());

    it("times out like every other request: a token endpoint that never answers fails the command in bounded time, and the next run converges", async () => {
        // 20 s of silence, against defender:requestTimeoutSeconds of the rig.
        rig.inject({ route: "token", kind: "delay", delayMs: 20_000, count: 20 });
        const boundMs = 5 * FAST_TIMEOUT_SECONDS * 1000 + 4000;
        const host = await rig.startHost();
        try {
            const outcome = await Promise.race([
                rig.commandOn(host).create("laptop", { machineId: LAPTOP.id, comment: "INC-9" }),
                new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), boundMs)),
            ]);
            assert.notEqual(outcome, "hung", `create was still waiting for a token after ${boundMs} ms`);
            const result = outcome as OpResult;
            assert.ok(!result.ok, "create fails");
            assert.match(result.error.message, /Isolate device .*token/);
        } finally {
            host.kill("SIGKILL");
            rig.emulator.clearFaults();
        }
        const again = await rig.command((cmd) => cmd.create("laptop", { machineId: LAPTOP.id, comment: "INC-9" }), { fresh: true });
        assert.ok(again.ok, again.ok ? "" : again.error.message);
        await rig.command((cmd) => cmd.delete("laptop"));
        rig.assertInvariants();
    });

    it("says what failed: a failing discovery document is not reported as a missing ambient credential", async () => {
        rig.inject({ route: "discovery", kind: "status", status: 500, count: 20 });
        const result = await rig.command((cmd) => cmd.create("laptop", { machineId: LAPTOP.id, comment: "INC-9" }), { fresh: true });
        assert.ok(!result.ok, "create fails");
        // The client secret is configured: telling the user to set it sends them the wrong way.
        assert.doesNotMatch(result.error.message, /no ambient Azure credential answered/);
    });
});
