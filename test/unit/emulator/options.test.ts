// Options and fleets: validation at the edge, fleet files, the default fleet's promises.
import assert from "assert";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { DEFAULT_DEVICES, DEFAULT_FLEET, EmulatorOptions, EmulatorOptionsError, startEmulator, syntheticDevices } from "../../../emulator";
import { deviceSpec } from "./helpers/fixtures";

async function problemsOf(options: EmulatorOptions): Promise<string[]> {
    try {
        const emu = await startEmulator({ tls: false, ...options });
        await emu.stop();
    } catch (e) {
        if (e instanceof EmulatorOptionsError) return e.problems;
        throw e;
    }
    return [];
}

describe("emulator: options and fleet", () => {
    let dir: string;

    before(() => {
        dir = mkdtempSync(join(tmpdir(), "emulator-fleet-"));
    });
    after(() => {
        rmSync(dir, { recursive: true, force: true });
    });

    describe("validation", () => {
        const cases: Array<{ name: string; options: EmulatorOptions; expect: RegExp }> = [
            { name: "port", options: { port: 70000 }, expect: /^options\.port: / },
            { name: "duplicates", options: { duplicates: "maybe" as "reject" }, expect: /^options\.duplicates: must be "reject" or "returnExisting"/ },
            { name: "delays", options: { actionDelays: { toInProgressMs: -1 } }, expect: /^options\.actionDelays\.toInProgressMs: / },
            { name: "rate windows", options: { rateLimits: { windows: [{ calls: 0, perSeconds: 60 }] } }, expect: /^options\.rateLimits\.windows\[0\]: / },
            { name: "an unknown option", options: { colour: "red" } as EmulatorOptions, expect: /^options\.colour: unknown option/ },
            {
                name: "a bad device id",
                options: { fleet: { devices: [deviceSpec({ id: "ABC" })] } },
                expect: /^options\.fleet\.devices\[0\]\.id: must be 40 lowercase hex/,
            },
            { name: "duplicate device ids", options: { fleet: { devices: [deviceSpec(), deviceSpec()] } }, expect: /duplicate id/ },
            { name: "a half TLS pair", options: { tls: { certFile: "x.pem" } }, expect: /^options\.tls\.keyFile: required with certFile/ },
            { name: "two CA directories", options: { tls: { dir: "a" }, tlsDir: "b" }, expect: /^options\.tls\.dir: duplicates options\.tlsDir/ },
            { name: "tlsDir with plain HTTP", options: { tls: false, tlsDir: "x" }, expect: /^options\.tlsDir: has no use with tls: false/ },
            {
                name: "unreadable certificate files",
                options: { tls: { certFile: "/nonexistent/c.pem", keyFile: "/nonexistent/k.pem" } },
                expect: /^options\.tls: cannot prepare TLS material/,
            },
            { name: "clients", options: { clients: [{ tenantId: "t", clientId: "", clientSecret: "s" }] }, expect: /^options\.clients\[0\]: / },
            { name: "too many generated devices", options: { fleet: { generate: 10_000_000 } }, expect: /^options\.fleet\.generate: / },
        ];
        for (const c of cases) {
            it(`names the field for ${c.name}`, async () => {
                const problems = await problemsOf(c.options);
                assert.ok(
                    problems.some((p) => c.expect.test(p)),
                    problems.join("\n"),
                );
            });
        }
    });

    describe("fleet files", () => {
        it("loads a YAML list", async () => {
            const file = join(dir, "fleet.yaml");
            writeFileSync(file, `- id: ${"a".repeat(40)}\n  computerDnsName: yaml-01.contoso.com\n  osPlatform: Linux\n  online: false\n  lastSeen: -2d\n`);
            const emu = await startEmulator({ tls: false, fleet: { file } });
            try {
                const [m] = emu.state().machines;
                assert.deepStrictEqual(
                    [emu.state().machines.length, m.computerDnsName, m.online, m.healthStatus],
                    [1, "yaml-01.contoso.com", false, "Inactive"],
                );
            } finally {
                await emu.stop();
            }
        });

        it("loads JSON { devices: [...] } and appends generated devices", async () => {
            const file = join(dir, "fleet.json");
            writeFileSync(file, JSON.stringify({ devices: [deviceSpec()] }));
            const emu = await startEmulator({ tls: false, fleet: { file, generate: 3 } });
            try {
                assert.deepStrictEqual(
                    emu.state().machines.map((m) => m.id),
                    [deviceSpec().id, ...syntheticDevices(3).map((d) => d.id)],
                );
            } finally {
                await emu.stop();
            }
        });

        it("reports an unreadable file and invalid entries with the path", async () => {
            assert.match((await problemsOf({ fleet: { file: join(dir, "missing.yaml") } }))[0], /^fleet\.file: cannot read .*missing\.yaml \(ENOENT\)/);
            const file = join(dir, "bad.json");
            writeFileSync(file, JSON.stringify([{ id: "a".repeat(40) }]));
            assert.match((await problemsOf({ fleet: { file } })).join("\n"), /computerDnsName: must be a non-empty string/);
        });
    });

    describe("default fleet", () => {
        it("has unique 40-hex ids and covers every case a client must handle", () => {
            assert.strictEqual(new Set(DEFAULT_FLEET.map((d) => d.id)).size, DEFAULT_FLEET.length);
            assert.ok(DEFAULT_FLEET.every((d) => /^[0-9a-f]{40}$/.test(d.id)));
            const platforms = new Set(DEFAULT_FLEET.map((d) => d.osPlatform));
            for (const p of ["Windows11", "WindowsServer2022", "Linux", "macOS"]) assert.ok(platforms.has(p), p);
            assert.deepStrictEqual(
                DEFAULT_FLEET.filter((d) => d.online === false && d.computerDnsName !== DEFAULT_DEVICES.reonboardedOld.computerDnsName).map((d) => d.id),
                [DEFAULT_DEVICES.offlineLaptop.id],
            );
            assert.strictEqual(DEFAULT_FLEET.filter((d) => d.computerDnsName === "eng-ws-21.contoso.com").length, 2);
            assert.deepStrictEqual(
                DEFAULT_FLEET.filter((d) => d.managed === false).map((d) => d.id),
                [DEFAULT_DEVICES.unmanagedLaptop.id],
            );
        });

        it("generates deterministic synthetic devices", () => {
            assert.deepStrictEqual(syntheticDevices(2), syntheticDevices(2));
            assert.strictEqual(syntheticDevices(2)[1].computerDnsName, "syn-00002.fleet.contoso.com");
        });
    });
});
