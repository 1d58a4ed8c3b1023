// Entra ID: discovery, the client credentials token endpoint, its errors, and token checks on the API.
import assert from "assert";
import sinon from "sinon";
import { DEFAULT_DEVICES } from "../../../emulator";
import { send } from "../../../testkit/http/send";
import { CLIENT_ID, CLIENT_SECRET, TENANT, useTestEmulator } from "./helpers/fixtures";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const laptop = DEFAULT_DEVICES.finLaptop.id;

describe("emulator: Entra ID", () => {
    const { emu, client } = useTestEmulator({}, { signIn: false });

    describe("OpenID discovery", () => {
        it("names this origin's token endpoint and a matching issuer for any tenant", async () => {
            const r = await client.call(`/${TENANT}/v2.0/.well-known/openid-configuration`);
            assert.strictEqual(r.status, 200);
            assert.strictEqual(r.json.issuer, `${emu.url}/${TENANT}/v2.0`);
            assert.strictEqual(r.json.token_endpoint, `${emu.url}/${TENANT}/oauth2/v2.0/token`);
            assert.strictEqual(r.json.authorization_endpoint, `${emu.url}/${TENANT}/oauth2/v2.0/authorize`);
            assert.strictEqual(r.json.jwks_uri, `${emu.url}/${TENANT}/discovery/v2.0/keys`);
        });

        it("builds URLs from the host the client used (localhost)", async () => {
            const r = await send(
                emu.url.replace("127.0.0.1", "localhost"),
                "/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration",
                {},
                emu.caCertPath,
            );
            assert.strictEqual(r.json.issuer, `https://localhost:${emu.port}/contoso.onmicrosoft.com/v2.0`);
        });

        it("serves an empty key set and instance discovery", async () => {
            assert.deepStrictEqual((await client.call(`/${TENANT}/discovery/v2.0/keys`)).json, { keys: [] });
            const inst = await client.call("/common/discovery/instance?api-version=1.1");
            assert.strictEqual(inst.status, 200);
            assert.deepStrictEqual(inst.json.metadata[0].aliases, [`127.0.0.1:${emu.port}`]);
        });
    });

    describe("token endpoint", () => {
        it("issues a JWT-shaped bearer token (Entra's claims, roles included) with expires_in from the configured lifetime", async () => {
            emu.configure({ tokenLifetimeSeconds: 600 });
            const r = await client.requestToken();
            assert.strictEqual(r.status, 200);
            assert.deepStrictEqual(Object.keys(r.json).sort(), ["access_token", "expires_in", "ext_expires_in", "token_type"]);
            assert.strictEqual(r.json.token_type, "Bearer");
            assert.strictEqual(r.json.expires_in, 600);
            const [header, payload, signature] = String(r.json.access_token).split(".");
            assert.ok(signature.length > 40, "a signature part");
            assert.deepStrictEqual(JSON.parse(Buffer.from(header, "base64url").toString()), { typ: "JWT", alg: "RS256", kid: "emulator-unsigned" });
            const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
            assert.strictEqual(claims.aud, "https://api.securitycenter.microsoft.com");
            assert.strictEqual(claims.appid, CLIENT_ID);
            assert.strictEqual(claims.tid, TENANT);
            assert.strictEqual(claims.iss, `https://sts.windows.net/${TENANT}/`);
            assert.deepStrictEqual(claims.roles, ["Machine.Isolate", "Machine.Read.All", "Alert.Read.All", "Incident.Read.All"]);
            assert.strictEqual((claims.exp as number) - (claims.iat as number), 600);
            assert.strictEqual(r.headers["cache-control"], "no-store, no-cache");
        });

        it("logs the requesting client id", async () => {
            await client.requestToken();
            const [entry] = emu.requests();
            assert.strictEqual(entry.route, "token");
            assert.strictEqual(entry.clientId, CLIENT_ID);
            assert.strictEqual(entry.status, 200);
        });

        it("accepts client_secret_basic", async () => {
            const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64");
            const r = await send(
                emu.url,
                `/${TENANT}/oauth2/v2.0/token`,
                {
                    form: { grant_type: "client_credentials", scope: emu.defaultScope },
                    headers: { authorization: `Basic ${basic}` },
                },
                emu.caCertPath,
            );
            assert.strictEqual(r.status, 200);
        });

        const cases: Array<{ name: string; form: Record<string, string | undefined>; status: number; error: string; code: number }> = [
            { name: "missing grant_type", form: { grant_type: undefined }, status: 400, error: "invalid_request", code: 900144 },
            { name: "another grant", form: { grant_type: "password" }, status: 400, error: "unsupported_grant_type", code: 70003 },
            { name: "missing client_id", form: { client_id: undefined }, status: 400, error: "invalid_request", code: 900144 },
            { name: "missing scope", form: { scope: undefined }, status: 400, error: "invalid_request", code: 900144 },
            { name: "missing secret", form: { client_secret: undefined }, status: 400, error: "invalid_client", code: 7000216 },
            {
                name: "scope without /.default",
                form: { scope: "https://api.securitycenter.microsoft.com/Machine.Isolate" },
                status: 400,
                error: "invalid_scope",
                code: 1002012,
            },
        ];
        for (const c of cases) {
            it(`rejects ${c.name}: ${c.status} ${c.error} AADSTS${c.code}`, async () => {
                const form: Record<string, string> = {
                    grant_type: "client_credentials",
                    client_id: CLIENT_ID,
                    client_secret: CLIENT_SECRET,
                    scope: emu.defaultScope,
                };
                for (const [k, v] of Object.entries(c.form)) {
                    if (v === undefined) delete form[k];
                    else form[k] = v;
                }
                const r = await send(emu.url, `/${TENANT}/oauth2/v2.0/token`, { form }, emu.caCertPath);
                assert.strictEqual(r.status, c.status);
                assert.strictEqual(r.json.error, c.error);
                assert.deepStrictEqual(r.json.error_codes, [c.code]);
                assert.match(r.json.error_description, new RegExp(`^AADSTS${c.code}: `));
            });
        }
    });

    describe("fixed client set", () => {
        beforeEach(() => {
            emu.configure({ clients: [{ tenantId: TENANT, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }] });
        });

        it("issues a token for the registered credentials", async () => {
            assert.strictEqual((await client.requestToken()).status, 200);
        });

        it("answers a wrong secret with 401 invalid_client and an Entra-shaped body", async () => {
            const r = await client.requestToken({ client_secret: "wrong" }, { "client-request-id": "7f1d5b52-1b8e-4f57-8f1a-2a4a6c3c9e10" });
            assert.strictEqual(r.status, 401);
            assert.deepStrictEqual(Object.keys(r.json).sort(), [
                "correlation_id",
                "error",
                "error_codes",
                "error_description",
                "error_uri",
                "timestamp",
                "trace_id",
            ]);
            assert.strictEqual(r.json.error, "invalid_client");
            assert.deepStrictEqual(r.json.error_codes, [7000215]);
            assert.strictEqual(r.json.correlation_id, "7f1d5b52-1b8e-4f57-8f1a-2a4a6c3c9e10");
            assert.match(r.json.trace_id, GUID);
            assert.match(r.json.timestamp, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
            assert.strictEqual(r.json.error_uri, `${emu.url}/error?code=7000215`);
            assert.ok(!r.text.includes(CLIENT_SECRET) && !r.text.includes('wrong"'), "no secret in the error");
        });

        it("answers an unknown client with 400 unauthorized_client", async () => {
            const r = await client.requestToken({ client_id: "someone-else" });
            assert.strictEqual(r.status, 400);
            assert.strictEqual(r.json.error, "unauthorized_client");
            assert.deepStrictEqual(r.json.error_codes, [700016]);
        });

        it("answers an unknown tenant with 400 invalid_tenant on discovery and token", async () => {
            const d = await client.call("/other-tenant/v2.0/.well-known/openid-configuration");
            assert.strictEqual(d.status, 400);
            assert.strictEqual(d.json.error, "invalid_tenant");
            const t = await client.requestToken({ tenant: "other-tenant" });
            assert.strictEqual(t.status, 400);
            assert.deepStrictEqual(t.json.error_codes, [90002]);
        });
    });

    describe("token checks on API calls", () => {
        it("401 Unauthorized without a token, with a Bearer challenge", async () => {
            const r = await client.getMachine(laptop);
            assert.strictEqual(r.status, 401);
            assert.strictEqual(r.json.error.code, "Unauthorized");
            assert.strictEqual(r.headers["www-authenticate"], "Bearer");
        });

        it("401 Unauthorized for a token it never issued", async () => {
            client.token = "made-up-token";
            const r = await client.getMachine(laptop);
            assert.strictEqual(r.status, 401);
            assert.strictEqual(r.json.error.code, "Unauthorized");
        });

        it("401 once the token has expired", async () => {
            const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ["Date"] });
            try {
                emu.configure({ tokenLifetimeSeconds: 60 });
                await client.signIn();
                clock.tick(59_000);
                assert.strictEqual((await client.getMachine(laptop)).status, 200);
                clock.tick(1_000);
                const r = await client.getMachine(laptop);
                assert.strictEqual(r.status, 401);
                assert.match(r.json.error.message, /expired/);
            } finally {
                clock.restore();
            }
        });

        it("403 Forbidden for a token issued for another audience", async () => {
            await client.signIn({ scope: "https://graph.microsoft.com/.default" });
            const r = await client.getMachine(laptop);
            assert.strictEqual(r.status, 403);
            assert.strictEqual(r.json.error.code, "Forbidden");
        });

        it('accepts any audience when configured with "any", and a configured list', async () => {
            await client.signIn({ scope: "https://api.security.microsoft.com/.default" });
            assert.strictEqual((await client.getMachine(laptop)).status, 403);
            emu.configure({ audience: "any" });
            assert.strictEqual((await client.getMachine(laptop)).status, 200);
            emu.configure({ audience: ["https://api.security.microsoft.com/.default"] });
            assert.strictEqual((await client.getMachine(laptop)).status, 200);
        });

        it("accepts tokens issued in-process and rejects them after revocation", async () => {
            client.token = emu.issueToken({ clientId: "in-process" });
            assert.strictEqual((await client.getMachine(laptop)).status, 200);
            emu.revokeTokens();
            assert.strictEqual((await client.getMachine(laptop)).status, 401);
        });
    });
});
