// Sign-in errors that say what failed: the URL tried, the cause (connection refused, a certificate
// not trusted and which code, the service's own AADSTS code and text) and the one fix, through the
// real ClientSecretCredential in a child process (it trusts the emulator's CA from start-up) against
// the emulator, a closed port and a TLS server whose certificate nobody trusts.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { generate } from "selfsigned";
import { startEmulator, type RunningEmulator } from "../../../emulator";
import { startRecordingServer } from "../../../testkit/http/recordingServer";
import { PROBE_CLIENT_ID, type SignInOutcome, type SignInScenario } from "./fixtures/signInProbe";

const CHILD_TIMEOUT_MS = 30_000;
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const UNKNOWN_TENANT = "0badc0de-86f1-41af-91ab-2d7cd011db47";
const SECRET = "sign-in-probe-secret-9c1f";

function runProbe(scenarios: SignInScenario[], caFile: string): Promise<SignInOutcome[]> {
    return new Promise((resolve, reject) => {
        execFile(
            process.execPath,
            [join(__dirname, "fixtures", "signInProbe.js"), JSON.stringify(scenarios)],
            { env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile, AZURE_REGIONAL_AUTHORITY_NAME: "" }, timeout: CHILD_TIMEOUT_MS },
            (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as SignInOutcome[])),
        );
    });
}

describe("defender/auth: sign-in errors say what failed (child process, real ClientSecretCredential)", function () {
    this.timeout(CHILD_TIMEOUT_MS + 10_000);
    let emulator: RunningEmulator;
    let untrusted: https.Server;
    let untrustedUrl: string;
    let untrustedRequests = 0;
    let closedUrl: string;
    let outcomes: Map<string, SignInOutcome>;

    before(async () => {
        emulator = await startEmulator({ rateLimits: false, clients: [{ tenantId: TENANT, clientId: PROBE_CLIENT_ID, clientSecret: SECRET }] });
        const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
            keySize: 2048,
            algorithm: "sha256",
            extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
        });
        untrusted = https.createServer({ key: pems.private, cert: pems.cert }, (_req, res) => {
            untrustedRequests++;
            res.end("{}");
        });
        await new Promise<void>((resolve) => untrusted.listen(0, "127.0.0.1", resolve));
        untrustedUrl = `https://127.0.0.1:${(untrusted.address() as AddressInfo).port}`;
        const closed = await startRecordingServer();
        await closed.close();
        closedUrl = closed.url.replace("http:", "https:");
        emulator.injectFault({ route: "discovery", kind: "status", status: 503, count: 1_000 });
        const failing = emulator.url.replace("127.0.0.1", "localhost");
        const results = await runProbe(
            [
                { label: "closed port", authorityHost: closedUrl, tenantId: TENANT, clientSecret: SECRET },
                { label: "untrusted certificate", authorityHost: untrustedUrl, tenantId: TENANT, clientSecret: SECRET },
                { label: "failing discovery", authorityHost: failing, tenantId: TENANT, clientSecret: SECRET },
            ],
            emulator.caCertPath as string,
        );
        emulator.clearFaults();
        const more = await runProbe(
            [
                { label: "unknown tenant", authorityHost: emulator.url, tenantId: UNKNOWN_TENANT, clientSecret: SECRET },
                { label: "wrong secret", authorityHost: emulator.url, tenantId: TENANT, clientSecret: `${SECRET}-old` },
                { label: "right settings", authorityHost: emulator.url, tenantId: TENANT, clientSecret: SECRET },
            ],
            emulator.caCertPath as string,
        );
        outcomes = new Map([...results, ...more].map((o) => [o.label, o]));
    });
    after(async () => {
        await emulator?.stop();
        untrusted?.closeAllConnections();
        await new Promise((resolve) => untrusted?.close(resolve));
    });

    it("a login host that refuses the connection: the URL, ECONNREFUSED, and authorityHost to fix", () => {
        const o = outcomes.get("closed port");
        const url = `${closedUrl}/${TENANT}/v2.0/.well-known/openid-configuration`;
        assert.equal(
            o?.message,
            `Defender API token request for https://api.securitycenter.microsoft.com/.default failed: the login host refused the connection (ECONNREFUSED) (GET ${url}); nothing listens at authorityHost: correct it, or remove it to use the cloud's own login host`,
        );
        assert.deepEqual(o?.signIn, {
            step: "discovery",
            url,
            cause: "connectionRefused",
            code: "ECONNREFUSED",
            fix: "nothing listens at authorityHost: correct it, or remove it to use the cloud's own login host",
            settings: ["authorityHost"],
        });
    });

    it("a certificate not trusted: which code, and how to trust it; no HTTP request reached the host", () => {
        const o = outcomes.get("untrusted certificate");
        assert.equal(o?.kind, "token");
        assert.equal(o?.signIn?.cause, "certificateUntrusted");
        assert.match(String(o?.signIn?.code), /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)$/);
        assert.match(
            o?.message ?? "",
            new RegExp(
                `failed: the login host's TLS certificate is not trusted \\((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN): self-signed certificate.*\\) \\(GET ${untrustedUrl}/${TENANT}/v2\\.0/\\.well-known/openid-configuration\\); trust the certificate authority .*NODE_EXTRA_CA_CERTS`,
            ),
        );
        assert.deepEqual(o?.signIn?.settings, []);
        assert.equal(untrustedRequests, 0);
    });

    it("an unknown tenant: the service's AADSTS90002 and its text, and tenantId to fix", () => {
        const o = outcomes.get("unknown tenant");
        assert.equal(o?.signIn?.cause, "refused");
        assert.equal(o?.signIn?.code, "AADSTS90002");
        assert.equal(o?.signIn?.step, "discovery");
        assert.match(String(o?.signIn?.serviceMessage), new RegExp(`^Tenant '${UNKNOWN_TENANT}' not found\\.`));
        assert.match(
            o?.message ?? "",
            new RegExp(
                `failed: the login host refused the sign-in: AADSTS90002 Tenant '${UNKNOWN_TENANT}' not found\\..* \\(GET ${emulator.url}/${UNKNOWN_TENANT}/v2\\.0/\\.well-known/openid-configuration\\); check tenantId: `,
            ),
        );
        assert.deepEqual(o?.signIn?.settings, ["tenantId", "cloud", "authorityHost"]);
    });

    it("a wrong secret: refused at the token request (AADSTS7000215), clientSecret to fix, the secret never shown", () => {
        const o = outcomes.get("wrong secret");
        assert.deepEqual([o?.signIn?.step, o?.signIn?.cause, o?.signIn?.code], ["token", "refused", "AADSTS7000215"]);
        assert.equal(o?.signIn?.url, `${emulator.url}/${TENANT}/oauth2/v2.0/token`);
        assert.match(o?.message ?? "", /AADSTS7000215: Invalid client secret provided\..*; check clientSecret: the secret's value \(not its id\)/);
        assert.ok(!JSON.stringify(o).includes(SECRET), JSON.stringify(o));
    });

    it("a login host that fails its discovery: the status and the service's words, not a missing identity", () => {
        const o = outcomes.get("failing discovery");
        assert.deepEqual([o?.signIn?.cause, o?.signIn?.status, o?.signIn?.settings], ["serviceFailed", 503, []]);
        assert.match(
            o?.message ?? "",
            /failed: the login host failed its OpenID discovery: HTTP 503 AADSTS\d+ .* \(GET https:\/\/localhost:\d+\/.*\); the login host failed; run again later/,
        );
    });

    it("the right settings sign in (the scenarios differ only in what they name)", () => {
        assert.deepEqual(outcomes.get("right settings"), { label: "right settings", token: "issued" });
    });
});
