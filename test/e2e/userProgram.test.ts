// A user's TypeScript program (examples/minimal, outside the repo, this package from its tarball) through
// the real Pulumi CLI: preview, up, no-op up, comment change, type change, drift, refresh, destroy.
import { strict as assert } from "assert";
import { DEFAULT_DEVICES } from "../../emulator";
import { requirePulumiCli } from "../../testkit/cli/engine";
import { openStack, type E2eStack } from "../../testkit/cli/stack";
import { sharedMinimalProgram } from "../../testkit/cli/userProgram";
import { isolations } from "../../testkit/cli/workspace";

const device = DEFAULT_DEVICES.finLaptop;

describe("e2e: a user's program through the real Pulumi CLI", function () {
    this.timeout(5 * 60_000);
    let s: E2eStack;
    const secret = `s3cr3t-${Date.now().toString(36)}-value`;

    before(async function () {
        const cli = await requirePulumiCli(this);
        this.timeout(15 * 60_000);
        s = await openStack({ cli, cwd: sharedMinimalProgram(), stack: "user", clientSecret: secret, prefix: "e2e-user-" });
    });
    after(async () => {
        await s?.stop();
    });

    const noSecretIn = (text: string) => assert.ok(!text.includes(secret), "the client secret appears in CLI output");
    const isolated = () => s.emulator.machine(device.id)?.isolation;

    it("preview shows the isolation and writes nothing to Defender", async () => {
        s.writes();
        const r = await s.ok("preview");
        assert.match(r.stdout, /\+\s+pulumi-nodejs:dynamic\/defender:DeviceIsolation fin-lt-042 create/);
        assert.match(r.stdout, /\+ 2 to create/);
        assert.deepEqual(s.writes(), []);
        assert.equal(isolated()?.isolated, false);
        noSecretIn(r.stdout + r.stderr);
    });

    it("up isolates with one isolate request and records the MachineAction in state", async () => {
        const r = await s.ok("up", "--yes");
        assert.deepEqual(s.writes(), [`POST /api/machines/${device.id}/isolate`]);
        assert.equal(isolated()?.isolated, true);
        const [res] = isolations(await s.exported());
        assert.equal(res.outputs?.status, "Succeeded");
        assert.equal(res.outputs?.machineId, device.id);
        assert.equal(res.id, res.outputs?.machineActionId);
        assert.equal(s.emulator.action(String(res.id))?.type, "Isolate");
        noSecretIn(r.stdout + r.stderr);
    });

    it("up again changes nothing and writes nothing", async () => {
        const r = await s.ok("up", "--yes");
        assert.match(r.stdout, /2 unchanged/);
        assert.deepEqual(s.writes(), []);
    });

    it("a comment change is an update with no API write", async () => {
        await s.config("comment", "INC-2031 Cobalt Strike beacon, lateral movement confirmed");
        const before = isolations(await s.exported())[0].id;
        const r = await s.ok("up", "--yes");
        assert.match(r.stdout, /~ 1 updated/);
        assert.deepEqual(s.writes(), []);
        const [res] = isolations(await s.exported());
        assert.equal(res.id, before, "same isolation, same MachineAction");
        assert.equal(res.outputs?.comment, "INC-2031 Cobalt Strike beacon, lateral movement confirmed");
    });

    it("an isolationType change is an update in place: isolated in the new type, never released on the way", async () => {
        await s.config("isolationType", "Selective");
        const r = await s.ok("up", "--yes");
        assert.match(r.stdout, /~ 1 updated/);
        assert.deepEqual(s.writes(), [`POST /api/machines/${device.id}/isolate`]);
        assert.deepEqual([isolated()?.isolated, isolated()?.isolationType], [true, "Selective"]);
        const res = isolations(await s.exported());
        assert.equal(res.length, 1);
        assert.equal(res[0].outputs?.isolationType, "Selective");
        // The new isolate is the one state follows.
        assert.equal(s.emulator.action(String(res[0].outputs?.machineActionId))?.scope, "Selective");
    });

    it("a release behind Pulumi's back: refresh drops the resource, the next up isolates again (one request)", async () => {
        s.emulator.releaseOutOfBand(device.id, { comment: "Released from the portal" });
        s.writes();
        const refresh = await s.ok("refresh", "--yes");
        assert.match(refresh.stdout, /released since this isolation/);
        assert.equal(isolations(await s.exported()).length, 0, "refresh removed the isolation from state");
        assert.deepEqual(s.writes(), [], "refresh only reads");
        await s.ok("up", "--yes");
        assert.deepEqual(s.writes(), [`POST /api/machines/${device.id}/isolate`]);
        assert.equal(isolated()?.isolated, true);
        assert.equal(isolations(await s.exported()).length, 1);
    });

    it("destroy releases with one request and empties the state", async () => {
        const r = await s.ok("destroy", "--yes");
        assert.deepEqual(s.writes(), [`POST /api/machines/${device.id}/unisolate`]);
        assert.equal(isolated()?.isolated, false);
        assert.equal(isolations(await s.exported()).length, 0);
        noSecretIn(r.stdout + r.stderr);
    });
});
