// A user's TypeScript program (examples/minimal, outside the repo, this package from its tarball) through
// the real Pulumi CLI: preview, up, no-op up, comment change, type change, drift, refresh, destroy.
import { strict as assert } from "assert";
import * as path from "path";
import { DEFAULT_DEVICES, startEmulator, type RunningEmulator } from "../../emulator";
import { stackConfigCommands } from "../../scripts/demoSupport";
import { REPO_ROOT, requirePulumiCli } from "./support/engine";
import { sharedMinimalProgram } from "./support/userProgram";
import { CliWorkspace, isolations, type StackExport } from "./support/workspace";

const STACK = "user";
const device = DEFAULT_DEVICES.finLaptop;

describe("e2e: a user's program through the real Pulumi CLI", function () {
    this.timeout(5 * 60_000);
    let emulator: RunningEmulator;
    let ws: CliWorkspace;
    let program: string;
    let secret: string;

    before(async function () {
        const cli = await requirePulumiCli(this);
        this.timeout(15 * 60_000);
        emulator = await startEmulator({ tls: { dir: path.join(REPO_ROOT, ".state", "emulator-tls") }, actionDelays: { toInProgressMs: 200, toSucceededMs: 600 } });
        ws = new CliWorkspace(cli, { caCertPath: emulator.caCertPath, prefix: "e2e-user-" });
        program = sharedMinimalProgram();
        await ws.ok(["stack", "init", STACK, "--non-interactive"], { cwd: program });
        secret = `s3cr3t-${Date.now().toString(36)}-value`;
        const configFile = path.join(program, `Pulumi.${STACK}.yaml`);
        for (const c of stackConfigCommands({ stack: STACK, configFile, emulatorUrl: emulator.url, credentials: { tenantId: "00000000-0000-0000-0000-000000000001", clientId: "7d3f4c2a-9b1e-4f6d-8a2c-5e0b1d9c3f47", clientSecret: secret }, pollIntervalSeconds: 0.2 })) {
            await ws.ok(c.args, { cwd: program, stdin: c.stdin });
        }
    });
    after(async () => {
        ws?.remove();
        await emulator?.stop();
    });

    const pulumi = (...args: string[]) => ws.ok([...args, "--stack", STACK, "--non-interactive"], { cwd: program });
    const config = (key: string, value: string) => ws.ok(["config", "set", "--stack", STACK, key, value], { cwd: program });
    const exported = (): Promise<StackExport> => ws.exportStack(STACK, program);
    /** The API writes (POSTs under /api/) since the last call, as "POST <path>". */
    const writes = (() => {
        let seen = 0;
        return () => {
            const all = emulator.requests();
            const fresh = all.slice(seen);
            seen = all.length;
            return fresh.filter((r) => r.method === "POST" && r.path.startsWith("/api/")).map((r) => `POST ${r.path}`);
        };
    })();
    const noSecretIn = (text: string) => assert.ok(!text.includes(secret), "the client secret appears in CLI output");

    it("preview shows the isolation and writes nothing to Defender", async () => {
        writes();
        const r = await pulumi("preview");
        assert.match(r.stdout, /\+\s+pulumi-nodejs:dynamic\/defender:DeviceIsolation fin-lt-042 create/);
        assert.match(r.stdout, /\+ 2 to create/);
        assert.deepEqual(writes(), []);
        assert.equal(emulator.machine(device.id)?.isolation.isolated, false);
        noSecretIn(r.stdout + r.stderr);
    });

    it("up isolates with one isolate request and records the MachineAction in state", async () => {
        const r = await pulumi("up", "--yes");
        assert.deepEqual(writes(), [`POST /api/machines/${device.id}/isolate`]);
        assert.equal(emulator.machine(device.id)?.isolation.isolated, true);
        const [res] = isolations(await exported());
        assert.equal(res.outputs?.status, "Succeeded");
        assert.equal(res.outputs?.machineId, device.id);
        assert.equal(res.id, res.outputs?.machineActionId);
        assert.equal(emulator.action(String(res.id))?.type, "Isolate");
        noSecretIn(r.stdout + r.stderr);
    });

    it("up again changes nothing and writes nothing", async () => {
        const r = await pulumi("up", "--yes");
        assert.match(r.stdout, /2 unchanged/);
        assert.deepEqual(writes(), []);
    });

    it("a comment change is an update with no API write", async () => {
        await config("comment", "INC-2031 Cobalt Strike beacon, lateral movement confirmed");
        const before = isolations(await exported())[0].id;
        const r = await pulumi("up", "--yes");
        assert.match(r.stdout, /~ 1 updated/);
        assert.deepEqual(writes(), []);
        const [res] = isolations(await exported());
        assert.equal(res.id, before, "same isolation, same MachineAction");
        assert.equal(res.outputs?.comment, "INC-2031 Cobalt Strike beacon, lateral movement confirmed");
    });

    it("an isolationType change ends with the device isolated in the new type, and state saying so", async () => {
        await config("isolationType", "Selective");
        const r = await pulumi("up", "--yes");
        const w = writes();
        assert.ok(w.includes(`POST /api/machines/${device.id}/isolate`), `an isolate for the new type was sent: ${w.join(", ")}`);
        assert.equal(emulator.machine(device.id)?.isolation.isolated, true);
        assert.equal(emulator.machine(device.id)?.isolation.isolationType, "Selective");
        const res = isolations(await exported());
        assert.equal(res.length, 1);
        assert.equal(res[0].outputs?.isolationType, "Selective");
        // In place: the new isolate is the one state follows; nothing was released on the way.
        assert.match(r.stdout, /~ 1 updated/);
        assert.deepEqual(w, [`POST /api/machines/${device.id}/isolate`]);
        assert.equal(emulator.action(String(res[0].outputs?.machineActionId))?.scope, "Selective");
    });

    it("a release behind Pulumi's back: refresh drops the resource, the next up isolates again (one request)", async () => {
        emulator.releaseOutOfBand(device.id, { comment: "Released from the portal" });
        writes();
        const refresh = await pulumi("refresh", "--yes");
        assert.match(refresh.stdout, /released since this isolation/);
        assert.equal(isolations(await exported()).length, 0, "refresh removed the isolation from state");
        assert.deepEqual(writes(), [], "refresh only reads");
        await pulumi("up", "--yes");
        assert.deepEqual(writes(), [`POST /api/machines/${device.id}/isolate`]);
        assert.equal(emulator.machine(device.id)?.isolation.isolated, true);
        assert.equal(isolations(await exported()).length, 1);
    });

    it("destroy releases with one request and empties the state", async () => {
        const r = await pulumi("destroy", "--yes");
        assert.deepEqual(writes(), [`POST /api/machines/${device.id}/unisolate`]);
        assert.equal(emulator.machine(device.id)?.isolation.isolated, false);
        assert.equal(isolations(await exported()).length, 0);
        noSecretIn(r.stdout + r.stderr);
    });
});
