import assert from "node:assert/strict";
import { CLOUDS, createDefenderClient, endpointProblems, isDefenderApiError, resolveEndpoints, type Cloud } from "../../../provider/defender";

describe("defender/clouds", () => {
    const table: Array<[Cloud, string, string, string, string]> = [
        [
            "Commercial",
            "https://api.security.microsoft.com",
            "https://login.microsoftonline.com",
            "https://api.securitycenter.microsoft.com/.default",
            "https://api.security.microsoft.com/.default",
        ],
        [
            "GCC",
            "https://api-gcc.securitycenter.microsoft.us",
            "https://login.microsoftonline.com",
            "https://api-gcc.securitycenter.microsoft.us/.default",
            "https://api-gcc.security.microsoft.us/.default",
        ],
        [
            "GCCHigh",
            "https://api-gov.securitycenter.microsoft.us",
            "https://login.microsoftonline.us",
            "https://api-gov.securitycenter.microsoft.us/.default",
            "https://api-gov.security.microsoft.us/.default",
        ],
        [
            "DoD",
            "https://api-gov.securitycenter.microsoft.us",
            "https://login.microsoftonline.us",
            "https://api-gov.securitycenter.microsoft.us/.default",
            "https://api-gov.security.microsoft.us/.default",
        ],
    ];
    for (const [cloud, apiBaseUrl, authorityHost, scope, xdrScope] of table) {
        it(`${cloud} resolves to its API host, login host and scopes (Defender for Endpoint's, Defender XDR's)`, () => {
            assert.deepEqual(resolveEndpoints({ cloud }), { cloud, apiBaseUrl, authorityHost, scope, xdrScope, customAuthorityHost: false });
        });
    }

    it("defaults to Commercial", () => {
        assert.equal(resolveEndpoints().apiBaseUrl, "https://api.security.microsoft.com");
        assert.equal(resolveEndpoints({}).cloud, "Commercial");
    });

    it("refuses an unknown cloud and lists the allowed ones", () => {
        const problems = endpointProblems({ cloud: "Azure" as Cloud });
        assert.deepEqual(problems, [`cloud must be one of ${CLOUDS.join(", ")}; got "Azure"`]);
        assert.throws(() => resolveEndpoints({ cloud: "gcc" as Cloud }), /cloud must be one of Commercial, GCC, GCCHigh, DoD; got "gcc"/);
    });

    it("takes each endpoint override and normalizes trailing slashes", () => {
        const r = resolveEndpoints({
            cloud: "GCCHigh",
            apiBaseUrl: "https://us.api.security.microsoft.com/",
            authorityHost: "https://login.example.us//",
            scope: "api://defender/.default",
            xdrScope: "api://defender-xdr/.default",
        });
        assert.deepEqual(r, {
            cloud: "GCCHigh",
            apiBaseUrl: "https://us.api.security.microsoft.com",
            authorityHost: "https://login.example.us",
            scope: "api://defender/.default",
            xdrScope: "api://defender-xdr/.default",
            customAuthorityHost: true,
        });
        assert.deepEqual(endpointProblems({ xdrScope: "https://api.security.microsoft.com" }), [
            'xdrScope must be a token scope ending with "/.default", such as https://api.security.microsoft.com/.default; got "https://api.security.microsoft.com"',
        ]);
    });

    it("keeps a base path and marks only a different login host as custom", () => {
        assert.equal(resolveEndpoints({ apiBaseUrl: "https://proxy.contoso.com/defender/" }).apiBaseUrl, "https://proxy.contoso.com/defender");
        assert.equal(resolveEndpoints({ cloud: "DoD", authorityHost: "https://login.microsoftonline.us/" }).customAuthorityHost, false);
    });

    for (const url of ["http://127.0.0.1:8443", "http://localhost:1234/x", "http://[::1]:99", "http://127.9.8.7"]) {
        it(`allows plain http on loopback for the API, never for the login host: ${url}`, () => {
            assert.throws(
                () => createDefenderClient({ apiBaseUrl: url, authorityHost: url, credential: { getToken: () => Promise.resolve(null) } }),
                (e: unknown) => isDefenderApiError(e) && e.kind === "invalidOptions" && /^authorityHost must use https/.test(e.problems?.[0] ?? ""),
            );
            assert.deepEqual(endpointProblems({ apiBaseUrl: url }), []);
            const problems = endpointProblems({ apiBaseUrl: url, authorityHost: url });
            assert.equal(problems.length, 1);
            assert.match(
                problems[0],
                /^authorityHost must use https \(plain http is allowed only on a loopback host, and only for apiBaseUrl: @azure\/identity signs in over https alone\); got ".*": serve the login host over TLS .*NODE_EXTRA_CA_CERTS$/,
            );
        });
    }

    for (const url of ["http://api.security.microsoft.com", "http://10.0.0.5:8080", "http://128.0.0.1", "http://localhost.evil.com"]) {
        it(`refuses plain http off loopback: ${url}`, () => {
            const problems = endpointProblems({ apiBaseUrl: url });
            assert.equal(problems.length, 1);
            assert.match(problems[0], /^apiBaseUrl must use https \(plain http is allowed only on a loopback host: localhost, 127\.0\.0\.0\/8 or \[::1\]\)/);
            assert.throws(() => resolveEndpoints({ authorityHost: url }), /authorityHost must use https \(plain http is allowed only on a loopback host/);
        });
    }

    const invalid: Array<[string, unknown, RegExp]> = [
        ["relative URL", "api.security.microsoft.com", /^apiBaseUrl must be an absolute https URL/],
        ["empty", "", /^apiBaseUrl must be an absolute https URL/],
        ["not a string", 42, /^apiBaseUrl must be an absolute https URL .*got number/],
        ["ftp", "ftp://api.security.microsoft.com", /^apiBaseUrl must use https; got "ftp:/],
        ["query", "https://api.security.microsoft.com/?x=1", /^apiBaseUrl must not have a query or fragment/],
        ["bare question mark", "https://api.security.microsoft.com/?", /^apiBaseUrl must not have a query or fragment/],
        ["fragment", "https://api.security.microsoft.com/#top", /^apiBaseUrl must not have a query or fragment/],
        ["user info", "https://user:pw@api.security.microsoft.com", /^apiBaseUrl must not carry a user name or password/],
    ];
    for (const [name, value, pattern] of invalid) {
        it(`refuses apiBaseUrl: ${name}`, () => {
            const problems = endpointProblems({ apiBaseUrl: value as string });
            assert.equal(problems.length, 1, problems.join("\n"));
            assert.match(problems[0], pattern);
        });
    }

    it("never echoes a password given in a URL", () => {
        for (const url of ["https://user:hunter2secret@api.security.microsoft.com", "http://user:hunter2secret@example.com", "ftp://user:hunter2secret@x"]) {
            const problems = endpointProblems({ apiBaseUrl: url });
            assert.equal(problems.length, 1);
            assert.ok(!problems[0].includes("hunter2secret"), problems[0]);
        }
    });

    it("refuses a scope that is not a .default scope", () => {
        assert.deepEqual(endpointProblems({ scope: "https://api.securitycenter.microsoft.com" }), [
            'scope must be a token scope ending with "/.default", such as https://api.securitycenter.microsoft.com/.default; got "https://api.securitycenter.microsoft.com"',
        ]);
        assert.equal(endpointProblems({ scope: "has space/.default" }).length, 1);
    });

    it("reports every problem at once", () => {
        assert.equal(endpointProblems({ cloud: "x" as Cloud, apiBaseUrl: "http://example.com", authorityHost: "nope", scope: "" }).length, 4);
    });
});
