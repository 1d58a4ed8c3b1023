import assert from "node:assert/strict";
import { inspect } from "node:util";
import { ClientSecretCredential, DefaultAzureCredential, type AccessToken, type TokenCredential } from "@azure/identity";
import sinon from "sinon";
import {
    NO_CREDENTIAL,
    credentialProblems,
    identityOptions,
    isDefenderApiError,
    resetCredentials,
    sharedCredential,
    tokenSourceFor,
    type CredentialSettings,
} from "../../../provider/defender";
import { fakeCredential } from "./support/fakeCredential";

const SECRET = "Qm9vLXNlY3JldC12YWx1ZS0xMjM0NQ";
const SETTINGS: CredentialSettings = {
    authorityHost: "https://login.microsoftonline.com",
    customAuthorityHost: false,
    scope: "https://api.securitycenter.microsoft.com/.default",
    tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    clientId: "0d5c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
    clientSecret: SECRET,
};

describe("defender/auth", () => {
    const sandbox = sinon.createSandbox();
    beforeEach(() => resetCredentials());
    afterEach(() => {
        sandbox.restore();
        resetCredentials();
    });

    /** Stubs ClientSecretCredential.getToken (no network): numbered tokens, and which instance was asked. */
    function stubClientSecretTokens(): { instances: unknown[] } {
        const instances: unknown[] = [];
        sandbox.stub(ClientSecretCredential.prototype, "getToken").callsFake(function (this: unknown): Promise<AccessToken> {
            instances.push(this);
            return Promise.resolve({ token: `entra-token-${instances.length}`, expiresOnTimestamp: Date.now() + 3_600_000 });
        });
        return { instances };
    }

    describe("selection", () => {
        it("tenantId + clientId + clientSecret: ClientSecretCredential", () => {
            assert.equal(tokenSourceFor(SETTINGS).credentialKind, "ClientSecretCredential");
            assert.ok(sharedCredential(SETTINGS) instanceof ClientSecretCredential);
        });

        it("authMethod ambient: DefaultAzureCredential, only when chosen", () => {
            const ambient = { authorityHost: SETTINGS.authorityHost, customAuthorityHost: false, scope: SETTINGS.scope, authMethod: "ambient" as const };
            assert.equal(tokenSourceFor(ambient).credentialKind, "DefaultAzureCredential");
            assert.ok(sharedCredential(ambient) instanceof DefaultAzureCredential);
        });

        it("none of them and no authMethod: refused, never the ambient identity by accident", () => {
            const nothing = { authorityHost: SETTINGS.authorityHost, customAuthorityHost: false, scope: SETTINGS.scope };
            assert.deepEqual(credentialProblems(nothing as CredentialSettings), [NO_CREDENTIAL]);
            assert.throws(
                () => tokenSourceFor(nothing),
                (e: unknown) => isDefenderApiError(e) && e.kind === "invalidOptions" && e.message.includes("authMethod ambient"),
            );
            assert.throws(
                () => sharedCredential(nothing),
                (e: unknown) => isDefenderApiError(e) && e.kind === "invalidOptions",
            );
        });

        it("authMethod ambient excludes a client secret", () => {
            assert.deepEqual(credentialProblems({ ...SETTINGS, authMethod: "ambient" }), [
                "authMethod ambient uses the ambient Azure identity, so clientSecret must not be set: remove clientSecret, or set authMethod clientSecret",
            ]);
        });

        it("an injected credential is used as is", async () => {
            const credential = fakeCredential();
            const source = tokenSourceFor({ ...SETTINGS, clientSecret: undefined, credential });
            assert.equal(source.credentialKind, "injected");
            assert.equal(sharedCredential({ ...SETTINGS, clientSecret: undefined, credential }), credential);
            await source.getToken();
            assert.deepEqual(credential.scopes, [SETTINGS.scope]);
        });

        const partial: Array<[Partial<CredentialSettings>, string]> = [
            [
                { clientSecret: undefined },
                "tenantId, clientId and clientSecret go together: clientSecret is missing (set it, or remove tenantId and clientId and set authMethod ambient to use the ambient Azure identity)",
            ],
            [
                { tenantId: undefined, clientId: undefined },
                "tenantId, clientId and clientSecret go together: tenantId and clientId are missing (set them, or remove clientSecret and set authMethod ambient to use the ambient Azure identity)",
            ],
            [
                { clientId: undefined },
                "tenantId, clientId and clientSecret go together: clientId is missing (set it, or remove tenantId and clientSecret and set authMethod ambient to use the ambient Azure identity)",
            ],
        ];
        for (const [overrides, message] of partial) {
            it(`a partial set names the missing keys: ${message.split(": ")[1].split(" (")[0]}`, () => {
                const settings = { ...SETTINGS, ...overrides };
                for (const k of Object.keys(overrides) as Array<keyof CredentialSettings>) delete settings[k];
                assert.deepEqual(credentialProblems(settings), [message]);
                assert.throws(
                    () => tokenSourceFor(settings),
                    (e: unknown) => isDefenderApiError(e) && e.kind === "invalidOptions" && e.message.includes(message),
                );
            });
        }

        it("checks each value, never echoing the secret", () => {
            assert.deepEqual(credentialProblems({ tenantId: "contoso.onmicrosoft.com", clientId: "not-a-guid", clientSecret: SECRET }), [
                "clientId must be the application (client) id, a GUID from the app registration's overview page",
            ]);
            assert.deepEqual(credentialProblems({ tenantId: "bad tenant/", clientId: SETTINGS.clientId, clientSecret: "" }), [
                "clientSecret must be a non-empty string when given",
                "tenantId must be the directory (tenant) id, a GUID, or its domain such as contoso.onmicrosoft.com",
            ]);
            assert.deepEqual(credentialProblems({ clientSecret: SECRET, credential: fakeCredential() }), [
                "clientSecret and credential exclude each other: pass one of them",
            ]);
            assert.deepEqual(credentialProblems({ credential: {} as TokenCredential }), [
                "credential must be a TokenCredential (an object with a getToken method), such as one from @azure/identity",
            ]);
            assert.ok(!credentialProblems({ tenantId: "x y", clientId: "z", clientSecret: SECRET }).join(" ").includes(SECRET));
        });

        it("a custom login host turns off instance discovery; the cloud's own keeps it", () => {
            assert.deepEqual(identityOptions({ authorityHost: "https://127.0.0.1:8443", customAuthorityHost: true }), {
                authorityHost: "https://127.0.0.1:8443",
                disableInstanceDiscovery: true,
            });
            assert.deepEqual(identityOptions({ authorityHost: "https://login.microsoftonline.us", customAuthorityHost: false }), {
                authorityHost: "https://login.microsoftonline.us",
            });
        });
    });

    describe("sharing", () => {
        it("one credential per login host, tenant, client id and secret", () => {
            const a = sharedCredential(SETTINGS);
            assert.equal(sharedCredential({ ...SETTINGS }), a);
            assert.notEqual(sharedCredential({ ...SETTINGS, clientSecret: `${SECRET}x` }), a);
            assert.notEqual(sharedCredential({ ...SETTINGS, tenantId: "contoso.onmicrosoft.com" }), a);
            assert.notEqual(sharedCredential({ ...SETTINGS, authorityHost: "https://login.microsoftonline.us" }), a);
        });

        it("token sources of the same settings share cached tokens", async () => {
            const { instances } = stubClientSecretTokens();
            assert.equal(await tokenSourceFor(SETTINGS).getToken(), "entra-token-1");
            assert.equal(await tokenSourceFor(SETTINGS).getToken(), "entra-token-1");
            assert.equal(instances.length, 1);
        });
    });

    describe("refresh after a 401", () => {
        it("builds a fresh credential instance, which every client then uses", async () => {
            const { instances } = stubClientSecretTokens();
            const source = tokenSourceFor(SETTINGS);
            const rejected = await source.getToken();
            const before = sharedCredential(SETTINGS);
            assert.equal(await source.refreshToken(rejected), "entra-token-2");
            assert.equal(instances.length, 2);
            assert.equal(instances[0], before);
            assert.notEqual(instances[1], before);
            assert.equal(sharedCredential(SETTINGS), instances[1]);
            assert.equal(await tokenSourceFor(SETTINGS).getToken(), "entra-token-2");
            assert.equal(instances.length, 2);
        });

        it("concurrent and late refreshes for the same rejected token share one new token", async () => {
            const { instances } = stubClientSecretTokens();
            const source = tokenSourceFor(SETTINGS);
            const rejected = await source.getToken();
            const refreshed = await Promise.all([
                source.refreshToken(rejected),
                source.refreshToken(rejected),
                tokenSourceFor(SETTINGS).refreshToken(rejected),
            ]);
            assert.deepEqual(refreshed, ["entra-token-2", "entra-token-2", "entra-token-2"]);
            assert.equal(await source.refreshToken(rejected), "entra-token-2");
            assert.equal(instances.length, 2);
            assert.equal(await source.refreshToken("entra-token-2"), "entra-token-3");
        });
    });

    describe("failures", () => {
        it("a token error never carries the secret or a token", async () => {
            const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln";
            sandbox.stub(ClientSecretCredential.prototype, "getToken").rejects(
                Object.assign(new Error(`AADSTS7000215: Invalid client secret provided: '${SECRET}'. Trace: client_secret=${SECRET}&assertion=${jwt}`), {
                    name: "AuthenticationError",
                }),
            );
            let caught: unknown;
            try {
                await tokenSourceFor(SETTINGS).getToken();
            } catch (e) {
                caught = e;
            }
            assert.ok(isDefenderApiError(caught));
            assert.equal(caught.kind, "token");
            assert.match(
                caught.message,
                /^Defender API token request for https:\/\/api\.securitycenter\.microsoft\.com\/\.default failed: AuthenticationError: AADSTS7000215: Invalid client secret provided: '\[redacted\]'/,
            );
            for (const text of [caught.message, caught.stack ?? "", JSON.stringify(caught), inspect(caught, { depth: 10, showHidden: true })]) {
                assert.ok(!text.includes(SECRET), text);
                assert.ok(!text.includes(jwt), text);
            }
        });

        it("no ambient credential: says what to set", async () => {
            sandbox.stub(DefaultAzureCredential.prototype, "getToken").rejects(
                Object.assign(new Error("DefaultAzureCredential failed to retrieve a token from the included credentials."), {
                    name: "CredentialUnavailableError",
                }),
            );
            const source = tokenSourceFor({ authorityHost: SETTINGS.authorityHost, customAuthorityHost: false, scope: SETTINGS.scope, authMethod: "ambient" });
            await assert.rejects(
                source.getToken(),
                /CredentialUnavailableError: DefaultAzureCredential failed .* \(authMethod is ambient, and no ambient Azure identity answered: .* or set tenantId, clientId and clientSecret instead/,
            );
        });
    });
});
