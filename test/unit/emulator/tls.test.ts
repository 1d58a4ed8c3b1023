// TLS material: the CA directory is created once and reused; the server certificate chains to it.
import assert from "assert";
import { execFile } from "child_process";
import { X509Certificate } from "crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { promisify } from "util";
import { CA_CERT_FILE, CA_KEY_FILE, DEFAULT_DEVICES, ensureCa, startEmulator } from "../../../emulator";
import { send } from "../../../testkit/http/send";
import { EmulatorClient } from "./helpers/fixtures";
import { distPath } from "../../../testkit/paths";

const run = promisify(execFile);
const ENSURE_CA_SCRIPT = distPath("emulator/ensureCa.js");

describe("emulator: TLS", () => {
    let dir: string;

    beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), "emulator-tls-"));
    });
    afterEach(() => {
        rmSync(dir, { recursive: true, force: true });
    });

    it("ensureCa creates a CA once (key readable by the owner only) and reuses it", async () => {
        const tlsDir = join(dir, "nested", "tls");
        const first = await ensureCa(tlsDir);
        assert.strictEqual(first.caCertPath, join(tlsDir, CA_CERT_FILE));
        const pem = readFileSync(first.caCertPath, "utf8");
        const ca = new X509Certificate(pem);
        assert.strictEqual(ca.ca, true);
        assert.strictEqual(statSync(join(tlsDir, CA_KEY_FILE)).mode & 0o777, 0o600);
        await ensureCa(tlsDir);
        assert.strictEqual(readFileSync(first.caCertPath, "utf8"), pem);
    });

    it("concurrent first starts agree on one CA", async () => {
        const results = await Promise.all([ensureCa(dir), ensureCa(dir), ensureCa(dir)]);
        assert.ok(results.every((r) => r.caCertPath === results[0].caCertPath));
        const emu = await startEmulator({ tlsDir: dir });
        try {
            const r = await send(emu.url, "/_emulator/health", {}, results[0].caCertPath);
            assert.strictEqual(r.status, 200);
        } finally {
            await emu.stop();
        }
    });

    it("the script prints the CA path, creating it if missing", async () => {
        const { stdout } = await run(process.execPath, [ENSURE_CA_SCRIPT, join(dir, "script")], { timeout: 10_000 });
        assert.strictEqual(stdout.trim(), join(dir, "script", CA_CERT_FILE));
        assert.ok(statSync(stdout.trim()).isFile());
    });

    it("serves a certificate for 127.0.0.1 and localhost signed by the reused CA", async () => {
        const { caCertPath } = await ensureCa(dir);
        const before = readFileSync(caCertPath, "utf8");
        const emu = await startEmulator({ tls: { dir } }); // same as { tlsDir: dir }
        try {
            assert.strictEqual(emu.caCertPath, caCertPath);
            assert.strictEqual(readFileSync(caCertPath, "utf8"), before, "CA reused, not regenerated");
            assert.match(emu.url, /^https:\/\/127\.0\.0\.1:\d+$/);
            const token = emu.issueToken();
            for (const base of [emu.url, emu.url.replace("127.0.0.1", "localhost")]) {
                const r = await send(base, `/api/machines/${DEFAULT_DEVICES.finLaptop.id}`, { token }, caCertPath);
                assert.strictEqual(r.status, 200);
            }
            await assert.rejects(send(emu.url, "/_emulator/health"), /self[- ]signed|unable to (get|verify)/i, "untrusted without the CA");
        } finally {
            await emu.stop();
        }
    });

    it("serves given certificate files and reports the given CA file", async () => {
        const { caCertPath } = await ensureCa(join(dir, "ca"));
        const donor = await startEmulator({ tlsDir: join(dir, "ca") });
        await donor.stop();
        // Use the CA itself as a (self-signed) server certificate: enough to prove the files are served.
        const certFile = join(dir, "server.pem");
        const keyFile = join(dir, "server-key.pem");
        writeFileSync(certFile, readFileSync(caCertPath));
        writeFileSync(keyFile, readFileSync(join(dir, "ca", CA_KEY_FILE)));
        const emu = await startEmulator({ tls: { certFile, keyFile, caFile: caCertPath } });
        try {
            assert.strictEqual(emu.caCertPath, caCertPath);
            const served = await new Promise<string>((resolveCert, reject) => {
                const tls = require("tls") as typeof import("tls");
                const socket = tls.connect({ host: "127.0.0.1", port: emu.port, rejectUnauthorized: false }, () => {
                    const pem = socket.getPeerX509Certificate()?.fingerprint256 ?? "";
                    socket.end();
                    resolveCert(pem);
                });
                socket.on("error", reject);
            });
            assert.strictEqual(served, new X509Certificate(readFileSync(caCertPath)).fingerprint256);
        } finally {
            await emu.stop();
        }
    });

    it("serves plain HTTP on loopback when tls is false", async () => {
        const emu = await startEmulator({ tls: false });
        try {
            assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
            assert.strictEqual(emu.caCertPath, undefined);
            const c = new EmulatorClient(emu, emu.issueToken());
            assert.strictEqual((await c.listMachines()).status, 200);
        } finally {
            await emu.stop();
        }
    });
});
