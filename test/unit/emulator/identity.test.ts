// The real @azure/identity ClientSecretCredential against the emulator over HTTPS. NODE_EXTRA_CA_CERTS
// is read only at process start, so the credential runs in a child process that trusts the emulator CA.
import assert from "assert";
import { spawn } from "child_process";
import { RunningEmulator } from "../../../emulator";
import { CLIENT_ID, CLIENT_SECRET, EmulatorClient, TENANT, startTestEmulator } from "./helpers/fixtures";

const CHILD_TIMEOUT_MS = 15_000;

const CHILD_SCRIPT = `
const { ClientSecretCredential } = require("@azure/identity");
const c = new ClientSecretCredential(process.env.EMU_TENANT, process.env.EMU_CLIENT, process.env.EMU_SECRET,
  { authorityHost: process.env.EMU_URL, disableInstanceDiscovery: true });
c.getToken(process.env.EMU_SCOPE).then(
  (t) => { process.stdout.write(JSON.stringify({ ok: true, token: t.token, expiresOnTimestamp: t.expiresOnTimestamp })); },
  (e) => { process.stdout.write(JSON.stringify({ ok: false, name: e.name, message: e.message })); process.exitCode = 3; });
`;

interface ChildOutcome {
    code: number | null;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    result: any;
    stderr: string;
}

function getTokenInChild(emu: RunningEmulator, secret: string): Promise<ChildOutcome> {
    const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        NODE_EXTRA_CA_CERTS: emu.caCertPath,
        NO_PROXY: "127.0.0.1,localhost",
        EMU_URL: emu.url,
        EMU_TENANT: TENANT,
        EMU_CLIENT: CLIENT_ID,
        EMU_SECRET: secret,
        EMU_SCOPE: emu.defaultScope,
    };
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["-e", CHILD_SCRIPT], { env, cwd: process.cwd() });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_TIMEOUT_MS);
        child.on("error", reject);
        child.on("exit", (code) => {
            clearTimeout(timer);
            try {
                resolve({ code, result: JSON.parse(stdout), stderr });
            } catch {
                reject(new Error(`child printed no result (exit ${code}): ${stdout} ${stderr}`));
            }
        });
    });
}

describe("emulator: real ClientSecretCredential over HTTPS", function () {
    this.timeout(30_000);
    let emu: RunningEmulator;

    before(async () => {
        emu = await startTestEmulator({ clients: [{ tenantId: TENANT, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }] });
    });
    after(async () => {
        await emu.stop();
    });
    beforeEach(() => emu.clearRequests());

    it("obtains a token with exactly discovery then token, and the token works on the API", async () => {
        const out = await getTokenInChild(emu, CLIENT_SECRET);
        assert.strictEqual(out.code, 0, out.stderr);
        assert.strictEqual(out.result.ok, true);
        assert.ok(out.result.expiresOnTimestamp > Date.now());
        const log = emu.requests();
        assert.deepStrictEqual(
            log.map((e) => [e.method, e.path, e.status]),
            [
                ["GET", `/${TENANT}/v2.0/.well-known/openid-configuration`, 200],
                ["POST", `/${TENANT}/oauth2/v2.0/token`, 200],
            ],
        );
        const form = new URLSearchParams(log[1].body);
        assert.strictEqual(form.get("grant_type"), "client_credentials");
        assert.strictEqual(form.get("client_id"), CLIENT_ID);
        assert.strictEqual(form.get("scope"), emu.defaultScope);

        const api = new EmulatorClient(emu, out.result.token);
        const r = await api.listMachines();
        assert.strictEqual(r.status, 200);
    });

    it("fails with invalid_client when the secret is wrong", async () => {
        const out = await getTokenInChild(emu, "not-the-secret");
        assert.strictEqual(out.code, 3);
        assert.strictEqual(out.result.ok, false);
        // @azure/identity wraps every Entra server error (as from the live service) this way.
        assert.strictEqual(out.result.name, "AuthenticationRequiredError");
        assert.match(out.result.message, /^invalid_client: .*AADSTS7000215/s);
        assert.ok(!out.result.message.includes("not-the-secret"), "the secret does not appear in the error");
        assert.strictEqual(emu.requests().at(-1)?.status, 401);
    });
});
