// Taking an isolation that already exists in Defender into state, through the real CLI.
//
// `pulumi import` cannot do it for a Node.js dynamic resource: the engine's Read for an import carries
// no inputs, and the SDK's provider host needs the serialized provider (`__provider`) from them. This
// suite proves that limitation (so the README's word on it stays true), then the way that works:
// declare the device, and create adopts the current isolation with no isolate request.
import { strict as assert } from "assert";
import { DEFAULT_DEVICES } from "../../emulator";
import { requirePulumiCli } from "../../testkit/cli/engine";
import { openStack, type E2eStack } from "../../testkit/cli/stack";
import { sharedMinimalProgram } from "../../testkit/cli/userProgram";
import { isolations } from "../../testkit/cli/workspace";

const device = DEFAULT_DEVICES.finLaptop;

describe("e2e: an isolation that exists in Defender, taken into state", function () {
    this.timeout(5 * 60_000);
    let s: E2eStack;
    let analystAction: string;

    before(async function () {
        const cli = await requirePulumiCli(this);
        this.timeout(15 * 60_000);
        s = await openStack({ cli, cwd: sharedMinimalProgram(), stack: "adopt", clientSecret: "adopt-suite-secret-value", prefix: "e2e-adopt-" });
        analystAction = s.emulator.isolateOutOfBand(device.id, {
            isolationType: "Full",
            requestor: "analyst@contoso.com",
            comment: "INC-2031 contained from the portal",
        }).action!.id;
        s.writes();
    });
    after(async () => {
        await s?.stop();
    });

    it("pulumi import by MachineAction id fails in the SDK's provider host, and changes nothing", async () => {
        const r = await s.run("import", "pulumi-nodejs:dynamic/defender:DeviceIsolation", "fin-lt-042", analystAction, "--yes");
        assert.notEqual(r.code, 0);
        assert.match(r.stdout + r.stderr, /code must be a string, not undefined/);
        assert.deepEqual(s.writes(), []);
        assert.equal(isolations(await s.exported()).length, 0);
        assert.equal(s.emulator.machine(device.id)?.isolation.isolated, true, "the analyst's isolation is untouched");
    });

    it("declaring the device adopts the current isolation: its real outputs in state, no API write", async () => {
        const r = await s.ok("up", "--yes");
        assert.deepEqual(s.writes(), []);
        const [res] = isolations(await s.exported());
        assert.equal(res.id, analystAction);
        assert.equal(res.outputs?.machineActionId, analystAction);
        assert.equal(res.outputs?.requestor, "analyst@contoso.com");
        assert.equal(res.outputs?.status, "Succeeded");
        assert.match(r.stdout, /adopting the current isolate [0-9a-f]{8}… \(Succeeded, requested by analyst@contoso\.com\)/);
        assert.match(r.stdout, /\+ 2 created/);
    });

    it("pulumi up afterwards changes nothing", async () => {
        const r = await s.ok("up", "--yes");
        assert.match(r.stdout, /2 unchanged/);
        assert.deepEqual(s.writes(), []);
    });
});
