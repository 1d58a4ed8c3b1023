import assert from "node:assert/strict";
import { createDefenderClient, isDefenderApiError, validateClientOptions, type DefenderClientOptions } from "../../../provider/defender";
import { fakeCredential } from "./support/fakeCredential";

describe("defender/client options", () => {
    it("no options, or a full valid set, has no problems", () => {
        assert.deepEqual(validateClientOptions({ authMethod: "ambient" }), []);
        assert.deepEqual(
            validateClientOptions({
                cloud: "GCCHigh",
                apiBaseUrl: "https://api-gov.securitycenter.microsoft.us",
                authorityHost: "https://login.microsoftonline.us",
                scope: "https://api-gov.securitycenter.microsoft.us/.default",
                tenantId: "contoso.onmicrosoft.us",
                clientId: "0d5c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
                clientSecret: "s3cret-value",
                rateLimits: [{ calls: 50, perSeconds: 60 }],
                retry: { limit: 2, jitter: false },
                timeoutMs: 10_000,
                pageSize: 500,
                maxPages: 5,
                onEvent: () => undefined,
            } satisfies DefenderClientOptions),
            [],
        );
    });

    it("lists every problem at once, each starting with the field's name", () => {
        const problems = validateClientOptions({
            cloud: "Public",
            apiBaseUrl: "http://api.security.microsoft.com",
            tenantId: "contoso.onmicrosoft.com",
            rateLimits: [{ calls: 0, perSeconds: 60 }],
            retry: { limit: -1 },
            timeoutMs: 0,
            pageSize: 20_000,
            maxPages: 1.5,
            onEvent: "log",
            clientsecret: "typo",
        });
        assert.deepEqual(
            problems.map((p) => p.split(" ")[0]),
            ["clientsecret", "cloud", "apiBaseUrl", "tenantId,", "rateLimits[0].calls", "retry.limit", "timeoutMs", "pageSize", "maxPages", "onEvent"],
        );
        assert.equal(problems[problems.length - 2], "maxPages must be a whole number of pages from 1 to 1000; got 1.5");
        assert.ok(!problems.join("\n").includes("typo"), "a value of an unknown key may be a secret: never echo it");
    });

    it("never echoes a client secret", () => {
        const secret = "s3cret-value-that-must-not-show";
        const problems = validateClientOptions({ clientSecret: secret, credential: fakeCredential(), tenantId: "bad tenant" });
        assert.ok(problems.length >= 2);
        assert.ok(!problems.join("\n").includes(secret));
    });

    it("refuses a non-object", () => {
        assert.equal(validateClientOptions(null).length, 1);
        assert.match(validateClientOptions("tenant")[0], /^options must be an object/);
    });

    it("createDefenderClient throws the same problems as data, before any network use", () => {
        const options = { cloud: "Public", timeoutMs: -5 } as unknown as DefenderClientOptions;
        assert.throws(
            () => createDefenderClient(options),
            (e: unknown) => {
                assert.ok(isDefenderApiError(e));
                assert.equal(e.kind, "invalidOptions");
                assert.deepEqual(e.problems, validateClientOptions(options));
                assert.equal(e.message, `Defender client options are invalid: ${validateClientOptions(options).join("; ")}`);
                return true;
            },
        );
    });

    it("exposes the resolved endpoints", () => {
        const client = createDefenderClient({ cloud: "GCC", credential: fakeCredential() });
        assert.deepEqual(client.endpoints, {
            cloud: "GCC",
            apiBaseUrl: "https://api-gcc.securitycenter.microsoft.us",
            authorityHost: "https://login.microsoftonline.com",
            scope: "https://api-gcc.securitycenter.microsoft.us/.default",
            xdrScope: "https://api-gcc.security.microsoft.us/.default",
            customAuthorityHost: false,
        });
    });
});
