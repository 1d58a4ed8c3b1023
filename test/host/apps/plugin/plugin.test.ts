/**
 * The native provider plugin (`pulumi-resource-defender`) driven over gRPC the way the engine drives
 * it, against the emulator over HTTPS: the same lifecycle as the dynamic provider host, reached through
 * `defender:index:DeviceIsolation`, with settings from PULUMI_CONFIG and secrets kept secret.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_DEVICES, startEmulator, type RunningEmulator } from "../../../../emulator";
import { NO_CREDENTIAL_CHOSEN } from "../../../../provider/resource/settings";
import { NATIVE_DEVICE_ISOLATION_TYPE } from "../../../../provider/apps/plugin/schema";
import { secret, startProviderHost, urnFor, type ProviderHost } from "../../../../testkit/host/providerHost";
import { distPath, REPO_ROOT } from "../../../../testkit/paths";
import { CLIENT_SECRET, FAST_EMULATOR, rejects, stackConfig } from "../../../../testkit/world";

const LAPTOP = DEFAULT_DEVICES.finLaptop;
const URN = urnFor(NATIVE_DEVICE_ISOLATION_TYPE, "laptop");
const PLUGIN = distPath("provider", "apps", "plugin", "main.js");

/** PULUMI_CONFIG as the engine writes it: the `defender` namespace's keys without it, values decrypted. */
function pulumiConfig(emulator: RunningEmulator, overrides: Record<string, string> = {}): string {
    const config = Object.fromEntries(Object.entries(stackConfig(emulator, overrides)).map(([k, v]) => [k.replace(/^defender:/, ""), v]));
    return JSON.stringify(config);
}

describe("the native provider plugin over gRPC", function () {
    this.timeout(60_000);
    let emulator: RunningEmulator;
    const started: ProviderHost[] = [];

    async function start(config: string): Promise<ProviderHost> {
        const host = await startProviderHost({
            cwd: REPO_ROOT,
            hostScript: PLUGIN,
            // No engine here: log lines fall back to the console, as in the dynamic provider host's tests.
            env: { NODE_EXTRA_CA_CERTS: emulator.caCertPath, PULUMI_CONFIG: config, PULUMI_NODEJS_ENGINE: "" },
            callTimeoutMs: 30_000,
        });
        started.push(host);
        // The SDK's provider server ignores Configure's arguments: nothing is passed here on purpose.
        await host.configure({});
        return host;
    }

    before(async () => {
        emulator = await startEmulator(FAST_EMULATOR);
    });
    after(async () => {
        await Promise.all(started.map((h) => h.stop()));
        await emulator?.stop();
    });
    beforeEach(() => emulator.reset());

    const writes = () => emulator.requests().filter((r) => r.method === "POST" && r.path.startsWith("/api/"));

    it("refuses an explicit provider whose arguments differ from the stack config, before any request", async () => {
        const host = await startProviderHost({
            cwd: REPO_ROOT,
            hostScript: PLUGIN,
            env: { NODE_EXTRA_CA_CERTS: emulator.caCertPath, PULUMI_CONFIG: pulumiConfig(emulator), PULUMI_NODEJS_ENGINE: "" },
        });
        started.push(host);
        await rejects(
            host.configure({ "defender:tenantId": "another-tenant", "defender:clientSecret": "another-secret" }, ["defender:clientSecret"]),
            /this provider resource sets 'defender:clientSecret', 'defender:tenantId' to other values/,
        );
        // The stack's own values (what the engine sends the default provider) are accepted.
        await host.configure(stackConfig(emulator), ["defender:clientSecret"]);
        assert.deepEqual(emulator.requests(), []);
    });

    it("reports the package's version", async () => {
        const host = await start(pulumiConfig(emulator));
        const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
        assert.deepEqual(await host.getPluginInfo(), { version });
    });

    it("check validates with the dynamic resource's rules and messages, before any request", async () => {
        const host = await start(pulumiConfig(emulator));
        const result = await host.check(URN, {}, { machineId: "not-an-id", comment: "" });
        assert.deepEqual(result.failures, [
            { property: "machineId", reason: 'must be a Defender device id of exactly 40 hexadecimal characters, got "not-an-id"' },
            { property: "comment", reason: 'must be a non-empty string, got ""' },
        ]);
        assert.deepEqual(emulator.requests(), []);
    });

    it("refuses missing credentials with the dynamic provider's message, naming the keys", async () => {
        const host = await start("{}");
        const e = await rejects(host.check(URN, {}, { machineId: LAPTOP.id, comment: "INC-1" }), /Invalid provider configuration/);
        assert.ok(e.message.includes(NO_CREDENTIAL_CHOSEN.slice(0, 80)), e.message);
        assert.deepEqual(emulator.requests(), []);
    });

    it("refuses a type it does not serve, by name", async () => {
        const host = await start(pulumiConfig(emulator));
        await rejects(host.check(urnFor("defender:index:Other", "x"), {}, {}), /serves defender:index:DeviceIsolation only, not "defender:index:Other"/);
    });

    it("create isolates once with a secret comment, which stays secret and never reaches the plugin's output", async () => {
        const host = await start(pulumiConfig(emulator));
        const checked = await host.check(URN, {}, { machineId: LAPTOP.id, comment: secret("INC-2031 beacon") });
        assert.deepEqual(checked.failures, []);
        assert.deepEqual(checked.secretInputs, ["comment"]);
        const created = await host.create(URN, { ...checked.inputs, comment: secret(checked.inputs.comment) });
        const [isolate] = emulator.state().actions.filter((a) => a.type === "Isolate");
        assert.equal(created.id, isolate.id);
        assert.equal(created.properties.comment, "INC-2031 beacon");
        assert.ok(created.secretProperties.includes("comment"));
        assert.deepEqual(
            writes().map((r) => r.path),
            [`/api/machines/${LAPTOP.id}/isolate`],
        );
        assert.equal(JSON.parse(writes()[0].body ?? "{}").Comment, "INC-2031 beacon");
        const printed = [...host.stdout(), ...host.stderr()].join("\n");
        assert.ok(!printed.includes(CLIENT_SECRET) && !printed.includes("INC-2031 beacon"), printed);
    });

    it("read from the MachineAction id alone (import) returns inputs and outputs, and writes nothing", async () => {
        const action = emulator.isolateOutOfBand(LAPTOP.id, { isolationType: "Selective", requestor: "analyst@contoso.com", comment: "INC-7 portal" }).action!;
        const host = await start(pulumiConfig(emulator));
        const read = await host.read(action.id, URN, {});
        assert.equal(read.id, action.id);
        assert.equal(read.properties.machineActionId, action.id);
        assert.equal(read.properties.requestor, "analyst@contoso.com");
        assert.deepEqual(read.inputs, {
            machineId: LAPTOP.id,
            comment: "INC-7 portal",
            isolationType: "Selective",
            releaseComment: "Released by Pulumi: declaration removed",
            waitForCompletion: true,
            completionTimeoutSeconds: 600,
            protectedMachineTags: [],
        });
        // The engine checks the imported inputs; they pass unchanged, so a program declaring them is a no-op.
        const checked = await host.check(URN, {}, read.inputs);
        assert.deepEqual(checked.failures, []);
        const diff = await host.diff(action.id, URN, read.properties, checked.inputs);
        assert.equal(diff.changes, "DIFF_NONE");
        assert.deepEqual(writes(), []);
    });

    it("refresh keeps the inputs in state (no inputs returned); delete releases once", async () => {
        const host = await start(pulumiConfig(emulator));
        const checked = await host.check(URN, {}, { machineId: LAPTOP.id, comment: "INC-9" });
        const created = await host.create(URN, checked.inputs);
        const read = await host.read(created.id, URN, created.properties, checked.inputs);
        assert.equal(read.id, created.id);
        assert.equal(read.inputs, undefined);
        await host.delete(created.id, URN, read.properties);
        assert.deepEqual(
            writes().map((r) => r.path),
            [`/api/machines/${LAPTOP.id}/isolate`, `/api/machines/${LAPTOP.id}/unisolate`],
        );
        assert.equal(emulator.machine(LAPTOP.id)?.isolation.isolated, false);
    });
});
