// `pulumi destroy --target` of one of two declarations of one device, through the real CLI: what the
// engine asks of the provider, and what that means for the device (docs/limitations.md).
import { strict as assert } from "assert";
import { DEFAULT_DEVICES } from "../../emulator";
import { requirePulumiCli } from "../../testkit/cli/engine";
import { openStack, type E2eStack } from "../../testkit/cli/stack";
import { programBesideShared } from "../../testkit/cli/userProgram";
import { isolations } from "../../testkit/cli/workspace";

const device = DEFAULT_DEVICES.finLaptop;

/** The provider calls the engine's verbose log shows, as "<Method>(<resource name>)". */
function providerCalls(log: string): string[] {
    const calls = [...log.matchAll(/Provider\[[^\]]*\]\.(Check|Diff|Read|Create|Update|Delete)\(urn:[^,)]*::([^,:)]+)[,)]/g)];
    return [...new Set(calls.map((m) => `${m[1]}(${m[2]})`))];
}

describe("e2e: destroy --target of one of two declarations of a device", function () {
    this.timeout(5 * 60_000);
    let s: E2eStack;

    before(async function () {
        const cli = await requirePulumiCli(this);
        this.timeout(15 * 60_000);
        const cwd = programBesideShared("twice", "defender-isolation-twice", [
            'const { DeviceIsolation } = require("pulumi-defender-isolation");',
            `new DeviceIsolation("by-id", { machineId: "${device.id}", comment: "INC-1 beacon" });`,
            `new DeviceIsolation("by-name", { computerDnsName: "${device.computerDnsName}", comment: "INC-2 beacon" });`,
        ]);
        s = await openStack({ cli, cwd, stack: "twice", clientSecret: "twice-suite-secret-value", prefix: "e2e-twice-" });
    });
    after(async () => {
        await s?.stop();
    });

    it("the engine asks the provider only to delete the target (no program, no call for the other declaration), so the device is released", async () => {
        await s.ok("up", "--yes");
        const state = isolations(await s.exported());
        assert.equal(state.length, 2);
        assert.equal(state[0].id, state[1].id, "both declarations hold the one isolate");
        const byId = state.find((r) => r.urn.endsWith("::by-id"));
        assert.ok(byId);
        s.writes();
        const r = await s.run("destroy", "--yes", "--target", byId.urn, "-v=9", "--logtostderr", "--logflow");
        assert.equal(r.code, 0, r.stdout);
        // What the provider host is asked: the delete of the target, and nothing about the other declaration.
        assert.deepEqual(providerCalls(r.stdout + "\n" + r.stderr), ["Delete(by-id)"]);
        // So the provider cannot tell that by-name still declares the device: it releases it (the documented
        // limitation; drop one declaration with 'pulumi state delete' or by removing it from the program instead).
        assert.deepEqual(s.writes(), [`POST /api/machines/${device.id}/unisolate`]);
        assert.equal(s.emulator.machine(device.id)?.isolation.isolated, false);
        assert.deepEqual(
            isolations(await s.exported()).map((x) => x.urn.split("::").pop()),
            ["by-name"],
        );
    });
});
