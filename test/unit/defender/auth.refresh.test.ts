import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROBE_CLIENT_ID, PROBE_SCOPE, PROBE_SECRET, PROBE_TENANT } from "./fixtures/tokenRefreshProbe";
import { startEntraStandIn, type EntraStandIn } from "./support/entraStandIn";

const CHILD_TIMEOUT_MS = 15_000;

function runProbe(authorityHost: string, caFile: string): Promise<{ stdout: string; stderr: string; code: number | null }> {
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            [join(__dirname, "fixtures", "tokenRefreshProbe.js"), authorityHost],
            {
                env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile, AZURE_REGIONAL_AUTHORITY_NAME: "" },
                timeout: CHILD_TIMEOUT_MS,
            },
            (error, stdout, stderr) => resolve({ stdout, stderr, code: error ? (typeof error.code === "number" ? error.code : -1) : 0 }),
        );
    });
}

describe("defender/auth: 401 refresh with the real ClientSecretCredential (child process, local TLS Entra stand-in)", function () {
    this.timeout(CHILD_TIMEOUT_MS + 5_000);
    let entra: EntraStandIn;
    let dir: string;

    before(async () => {
        entra = await startEntraStandIn();
        dir = mkdtempSync(join(tmpdir(), "defender-auth-"));
        writeFileSync(join(dir, "ca.pem"), entra.certPem);
    });
    after(async () => {
        await entra?.close();
        if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("a fresh credential instance bypasses MSAL's token cache: exactly one more token request", async () => {
        const { stdout, stderr, code } = await runProbe(entra.url, join(dir, "ca.pem"));
        assert.equal(code, 0, stderr);
        const seen = JSON.parse(stdout) as Record<string, unknown>;
        assert.deepEqual(seen, {
            first: "entra-token-1",
            again: "entra-token-1",
            fromCredentialCache: "entra-token-1",
            refreshed: "entra-token-2",
            otherClient: "entra-token-2",
            replaced: true,
        });
        assert.equal(entra.tokenRequests.length, 2);
        for (const r of entra.tokenRequests) {
            assert.equal(r.path, `/${PROBE_TENANT}/oauth2/v2.0/token`);
            assert.equal(r.form.grant_type, "client_credentials");
            assert.equal(r.form.client_id, PROBE_CLIENT_ID);
            assert.equal(r.form.client_secret, PROBE_SECRET);
            assert.equal(r.form.scope, PROBE_SCOPE);
        }
        // Instance discovery is off: only the custom login host was asked, and only for discovery and tokens.
        assert.ok(
            entra.log.every((l) => l === `GET /${PROBE_TENANT}/v2.0/.well-known/openid-configuration` || l === `POST /${PROBE_TENANT}/oauth2/v2.0/token`),
            entra.log.join("\n"),
        );
    });
});
