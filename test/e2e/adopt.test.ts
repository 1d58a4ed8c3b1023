// Taking an isolation that already exists in Defender into state, through the real CLI.
//
// `pulumi import` cannot do it for a Node.js dynamic resource: the engine's Read for an import carries
// no inputs, and the SDK's provider host needs the serialized provider (`__provider`) from them. This
// suite proves that limitation (so the README's word on it stays true), then the way that works:
// declare the device, and create adopts the current isolation with no isolate request.
import { strict as assert } from "assert";
import * as path from "path";
import { DEFAULT_DEVICES, startEmulator, type RunningEmulator } from "../../emulator";
import { stackConfigCommands } from "../../scripts/demoSupport";
import { REPO_ROOT, requirePulumiCli } from "./support/engine";
import { sharedMinimalProgram } from "./support/userProgram";
import { CliWorkspace, isolations } from "./support/workspace";

const STACK = "adopt";
const device = DEFAULT_DEVICES.finLaptop;

describe("e2e: an isolation that exists in Defender, taken into state", function () {
    this.timeout(5 * 60_000);
    let emulator: RunningEmulator;
    let ws: CliWorkspace;
    let program: string;
    let analystAction: string;

    before(async function () {
        const cli = await requirePulumiCli(this);
        this.timeout(15 * 60_000);
        emulator = await startEmulator({ tls: { dir: path.join(REPO_ROOT, ".state", "emulator-tls") }, actionDelays: { toInProgressMs: 200, toSucceededMs: 600 } });
        ws = new CliWorkspace(cli, { caCertPath: emulator.caCertPath, prefix: "e2e-adopt-" });
        program = sharedMinimalProgram();
        await ws.ok(["stack", "init", STACK, "--non-interactive"], { cwd: program });
        const configFile = path.join(program, `Pulumi.${STACK}.yaml`);
        for (const c of stackConfigCommands({ stack: STACK, configFile, emulatorUrl: emulator.url, credentials: { tenantId: "00000000-0000-0000-0000-000000000001", clientId: "7d3f4c2a-9b1e-4f6d-8a2c-5e0b1d9c3f47", clientSecret: "adopt-suite-secret-value" }, pollIntervalSeconds: 0.2 })) {
            await ws.ok(c.args, { cwd: program, stdin: c.stdin });
        }
        analystAction = emulator.isolateOutOfBand(device.id, { isolationType: "Full", requestor: "analyst@contoso.com", comment: "INC-2031 contained from the portal" }).action!.id;
        emulator.clearRequests();
    });
    after(async () => {
        ws?.remove();
        await emulator?.stop();
    });

    const apiWrites = () => emulator.requests().filter((r) => r.method === "POST" && r.path.startsWith("/api/")).map((r) => `POST ${r.path}`);

    it("pulumi import by MachineAction id fails in the SDK's provider host, and changes nothing", async () => {
        const r = await ws.run(["import", "pulumi-nodejs:dynamic/defender:DeviceIsolation", "fin-lt-042", analystAction, "--yes", "--stack", STACK, "--non-interactive"], { cwd: program });
        assert.notEqual(r.code, 0);
        assert.match(r.stdout + r.stderr, /code must be a string, not undefined/);
        assert.deepEqual(apiWrites(), []);
        assert.equal(isolations(await ws.exportStack(STACK, program)).length, 0);
        assert.equal(emulator.machine(device.id)?.isolation.isolated, true, "the analyst's isolation is untouched");
    });

    it("declaring the device adopts the current isolation: its real outputs in state, no API write", async () => {
        const r = await ws.ok(["up", "--yes", "--stack", STACK, "--non-interactive"], { cwd: program });
        assert.deepEqual(apiWrites(), []);
        const [res] = isolations(await ws.exportStack(STACK, program));
        assert.equal(res.id, analystAction);
        assert.equal(res.outputs?.machineActionId, analystAction);
        assert.equal(res.outputs?.requestor, "analyst@contoso.com");
        assert.equal(res.outputs?.status, "Succeeded");
        assert.match(r.stdout, /adopting the current isolate [0-9a-f]{8}… \(Succeeded, requested by analyst@contoso\.com\) instead of sending another/);
        assert.match(r.stdout, /\+ 2 created/);
    });

    it("pulumi up afterwards changes nothing", async () => {
        const r = await ws.ok(["up", "--yes", "--stack", STACK, "--non-interactive"], { cwd: program });
        assert.match(r.stdout, /2 unchanged/);
        assert.deepEqual(apiWrites(), []);
    });
});
