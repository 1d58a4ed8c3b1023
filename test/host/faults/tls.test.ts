/**
 * Transport security: TLS verification is never turned off by the product, a server whose certificate
 * comes from a CA the host does not trust gets neither the client secret nor a token, and an API or
 * login URL over plain HTTP off loopback is refused before any connection.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { DEFAULT_DEVICES, ensureCa, startEmulator, type RunningEmulator } from "../../../emulator";
import { startRig, type Rig } from "../../../testkit/faults/faultRig";
import { REPO_ROOT } from "../../../testkit/world";

const LAPTOP = DEFAULT_DEVICES.finLaptop;
const args = { machineId: LAPTOP.id, comment: "INC-4" };

/** Ways code turns certificate or host verification off, in Node, axios and the Azure SDK. */
const TLS_OFF = [
    /rejectUnauthorized/,
    /NODE_TLS_REJECT_UNAUTHORIZED/,
    /checkServerIdentity/,
    /allowInsecureConnection/,
    /insecureHTTPParser/,
    /strictSSL/i,
    /\binsecure\s*:/i,
    /--tls-min-v1\.0|secureProtocol|minVersion\s*:\s*["']TLSv1(\.1)?["']/,
    /httpsAgent\s*:/,
];

function sources(dir: string, ext: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        return e.isDirectory() ? sources(p, ext) : e.name.endsWith(ext) ? [p] : [];
    });
}

function findings(files: string[]): string[] {
    return files.flatMap((file) => {
        const text = fs.readFileSync(file, "utf8");
        return TLS_OFF.filter((re) => re.test(text)).map((re) => `${path.relative(REPO_ROOT, file)}: ${re}`);
    });
}

describe("transport security", function () {
    this.timeout(60_000);

    describe("the product never turns TLS verification off", () => {
        it("the scan recognises every way of turning it off (positive control)", () => {
            const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tls-scan-"));
            try {
                const planted = [
                    "rejectUnauthorized: false",
                    "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'",
                    "checkServerIdentity: () => undefined",
                    "allowInsecureConnection: true",
                    "{ httpsAgent: agent }",
                ];
                planted.forEach((line, i) => fs.writeFileSync(path.join(tmp, `f${i}.ts`), `const x = ${line};\n`));
                assert.equal(findings(sources(tmp, ".ts")).length, planted.length);
            } finally {
                fs.rmSync(tmp, { recursive: true, force: true });
            }
        });

        it("provider/ (sources) and dist/provider/ (what ships) contain none of them", () => {
            const files = [...sources(path.join(REPO_ROOT, "provider"), ".ts"), ...sources(path.join(REPO_ROOT, "dist/provider"), ".js")];
            assert.ok(files.length > 20, "the scan covers the product");
            assert.deepEqual(findings(files), []);
        });
    });

    describe("a server whose certificate the host does not trust", () => {
        let trusted: RunningEmulator;
        let tlsDir: string;
        let rig: Rig | undefined;

        before(async () => {
            trusted = await startEmulator({ rateLimits: false, actionDelays: { toInProgressMs: 40, toSucceededMs: 120 } });
            tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), "untrusted-ca-"));
        });
        after(async () => {
            await rig?.stop();
            await trusted?.stop();
            fs.rmSync(tlsDir, { recursive: true, force: true });
        });
        afterEach(async () => {
            await rig?.stop();
            rig = undefined;
        });

        it("as the login host: the token request fails, and the secret never reaches it", async () => {
            // Its certificate comes from a fresh CA; the host trusts only the project's CA.
            const { caCertPath } = await ensureCa();
            rig = await startRig({ emulator: { tls: { dir: tlsDir } }, env: { NODE_EXTRA_CA_CERTS: caCertPath } });
            rig.reset();
            const result = await rig.command((cmd) => cmd.create("laptop", args));
            assert.ok(!result.ok);
            // The cause (the certificate) is lost on the way: see tokenRequest.test.ts.
            assert.match(result.error.message, /Isolate device .*token request .*failed/i);
            assert.deepEqual(rig.emulator.requests(), [], "no HTTP request was made over the untrusted connection");
            rig.assertInvariants();
        });

        it("as the API (login host trusted): the token is never sent to it", async () => {
            const { caCertPath } = await ensureCa();
            rig = await startRig({ emulator: { tls: { dir: tlsDir } }, env: { NODE_EXTRA_CA_CERTS: caCertPath }, config: { authorityHost: trusted.url } });
            rig.reset();
            trusted.clearRequests();
            const result = await rig.command((cmd) => cmd.create("laptop", args));
            assert.ok(!result.ok);
            assert.match(result.error.message, /Isolate device .*Defender API GET .*(CERT|certificate|self-signed|issuer)/i);
            assert.ok(
                trusted.requests().some((r) => r.route === "token"),
                "a token was issued by the trusted login host",
            );
            assert.deepEqual(rig.emulator.requests(), [], "the untrusted API got nothing, so no token");
            rig.assertInvariants();
        });
    });

    describe("plain HTTP off loopback", () => {
        let proxy: net.Server;
        let connections = 0;
        let rig: Rig | undefined;

        before(async () => {
            // Should anything try to connect anyway, it reaches this local sink instead of the network.
            proxy = net.createServer((socket) => {
                connections++;
                socket.destroy();
            });
            await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
        });
        after(async () => {
            await new Promise((resolve) => proxy.close(resolve));
        });
        afterEach(async () => {
            await rig?.stop();
            rig = undefined;
        });

        for (const key of ["apiBaseUrl", "authorityHost"] as const) {
            it(`defender:${key} over http to a non-loopback host is refused, naming the key, with no connection made`, async () => {
                const port = (proxy.address() as net.AddressInfo).port;
                const sink = `http://127.0.0.1:${port}`;
                rig = await startRig({
                    config: { [key]: "http://defender.example.test" },
                    env: { HTTP_PROXY: sink, HTTPS_PROXY: sink, http_proxy: sink, https_proxy: sink, NO_PROXY: "", no_proxy: "" },
                });
                rig.reset();
                connections = 0;
                const result = await rig.command((cmd) => cmd.create("laptop", args));
                assert.ok(!result.ok);
                // Refused at the first call (check, as a check failure), as it would be at preview.
                assert.match(
                    result.error.message,
                    new RegExp(
                        `^check: : Invalid provider configuration:\\s+- defender:${key} must use https \\(plain http is allowed only on a loopback host`,
                    ),
                );
                assert.equal(connections, 0, "no connection attempt");
                assert.deepEqual(rig.emulator.requests(), []);
                rig.assertInvariants();
            });
        }

        it("defender:authorityHost over http on loopback is refused too (@azure/identity signs in over https alone), naming the key and the fix", async () => {
            const port = (proxy.address() as net.AddressInfo).port;
            rig = await startRig({ config: { authorityHost: `http://127.0.0.1:${port}` } });
            rig.reset();
            connections = 0;
            const result = await rig.command((cmd) => cmd.create("laptop", args));
            assert.ok(!result.ok);
            assert.match(
                result.error.message,
                /^check: : Invalid provider configuration:\s+- defender:authorityHost must use https \(plain http is allowed only on a loopback host, and only for apiBaseUrl.*NODE_EXTRA_CA_CERTS/,
            );
            assert.equal(connections, 0, "no connection attempt");
            assert.deepEqual(rig.emulator.requests(), []);
            rig.assertInvariants();
        });
    });
});
