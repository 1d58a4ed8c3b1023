/**
 * The GitOps program's device-name lookup, for real: the stack's defender:* config, the real
 * ClientSecretCredential and the Defender client against the emulator, in a process of its own as
 * the Pulumi program process is. Read-only: nothing is isolated or released.
 */
import { strict as assert } from "assert";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { DEFAULT_DEVICES, startEmulator, type RunningEmulator } from "../../../../emulator";
import { FAST_EMULATOR, stackConfig } from "../../../../testkit/world";

function probe(emulator: RunningEmulator, config: Record<string, string>, names: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            [join(__dirname, "fixtures", "nameLookupProbe.js"), JSON.stringify(config), ...names],
            {
                env: { ...process.env, NODE_EXTRA_CA_CERTS: emulator.caCertPath },
                timeout: 15_000,
            },
            (error, stdout, stderr) => resolve({ stdout, stderr, code: error ? (typeof error.code === "number" ? error.code : -1) : 0 }),
        );
    });
}

describe("gitops: device names looked up in Defender with the stack config", function () {
    this.timeout(20_000);
    let emulator: RunningEmulator;

    before(async () => {
        emulator = await startEmulator(FAST_EMULATOR);
    });
    after(async () => {
        await emulator?.stop();
    });

    it("answers each name's devices, matched whole and case-insensitively, and changes nothing", async () => {
        const result = await probe(emulator, stackConfig(emulator), ["FIN-LT-042.contoso.com", "eng-ws-21.contoso.com", "fin-lt-04.contoso.com"]);
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(JSON.parse(result.stdout), {
            "fin-lt-042.contoso.com": [DEFAULT_DEVICES.finLaptop.id],
            "eng-ws-21.contoso.com": [DEFAULT_DEVICES.reonboardedOld.id, DEFAULT_DEVICES.reonboardedNew.id].filter((id) =>
                emulator.state().machines.some((m) => m.id === id),
            ),
            "fin-lt-04.contoso.com": [],
        });
        assert.deepEqual(
            emulator.requests().filter((r) => r.method === "POST" && r.path.startsWith("/api/")),
            [],
            "read-only",
        );
    });

    it("refuses to guess an identity: no client secret and no defender:authMethod", async () => {
        const result = await probe(emulator, stackConfig(emulator, { tenantId: "", clientId: "", clientSecret: "" }), ["fin-lt-042.contoso.com"]);
        assert.notEqual(result.code, 0);
        assert.match(result.stderr, /defender:authMethod is not set/);
    });
});
