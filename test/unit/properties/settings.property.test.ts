/**
 * The provider's configuration, as properties over arbitrary values of every `defender:*` key:
 * `readSettings` never touches the network, accepts exactly what the contract allows (README,
 * Provider settings) and otherwise throws one Error naming each bad key; plain HTTP off loopback is
 * always refused (and to the login host, everywhere); the client secret never appears in the message.
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import sinon from "sinon";
import { CONFIG_KEYS, readSettings } from "../../../provider/resource/settings";
import { guardNetwork, type NetworkGuard } from "../../../testkit/faults/faultNetworkGuard";
import { counted } from "../../../testkit/faults/faultStats";

type Key = (typeof CONFIG_KEYS)[number];

const VALID: Record<Key, string> = {
    tenantId: "7d6b0a4e-1c3f-4d2b-9a8e-3f1e2d4c5b6a",
    clientId: "c0ffee00-1234-4abc-9def-0123456789ab",
    clientSecret: "S3cr3t~baseline-0f9e8d7c",
    authMethod: "clientSecret",
    cloud: "GCC",
    apiBaseUrl: "https://eu.api.security.microsoft.com",
    authorityHost: "https://login.microsoftonline.us",
    scope: "https://api.securitycenter.microsoft.com/.default",
    xdrScope: "https://api.security.microsoft.com/.default",
    rateLimits: `[{"calls":100,"perSeconds":60}]`,
    pollIntervalSeconds: "5",
    requestTimeoutSeconds: "30",
    listingLagSeconds: "2",
};

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const LOOPBACK = (host: string) => host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);

function urlOk(v: string): boolean {
    let u: URL;
    try {
        u = new URL(v);
    } catch {
        return false;
    }
    const schemeOk = u.protocol === "https:" || (u.protocol === "http:" && LOOPBACK(u.hostname));
    return schemeOk && u.username === "" && u.password === "" && !/[?#]/.test(v);
}

function limitsOk(v: string): boolean {
    let parsed: unknown;
    try {
        parsed = JSON.parse(v);
    } catch {
        return false;
    }
    const int = (x: unknown, max: number) => typeof x === "number" && Number.isInteger(x) && x >= 1 && x <= max;
    return (
        Array.isArray(parsed) &&
        parsed.length > 0 &&
        parsed.every(
            (l) =>
                typeof l === "object" &&
                l !== null &&
                !Array.isArray(l) &&
                Object.keys(l).every((k) => k === "calls" || k === "perSeconds") &&
                int((l as Record<string, unknown>).calls, 1_000_000) &&
                int((l as Record<string, unknown>).perSeconds, 86_400),
        )
    );
}

/** The contract, from the README, for one key's (trimmed, non-empty) value. */
const ORACLE: Record<Key, (v: string) => boolean> = {
    tenantId: (v) => /^[A-Za-z0-9][A-Za-z0-9.-]{0,253}$/.test(v),
    clientId: (v) => GUID.test(v),
    clientSecret: () => true,
    // With the baseline's client secret set, only clientSecret fits (ambient excludes a secret).
    authMethod: (v) => v === "clientSecret",
    cloud: (v) => ["Commercial", "GCC", "GCCHigh", "DoD"].includes(v),
    apiBaseUrl: urlOk,
    // @azure/identity signs in over https alone, so plain http is refused even on loopback.
    authorityHost: (v) => urlOk(v) && new URL(v).protocol === "https:",
    scope: (v) => /^\S+\/\.default$/.test(v),
    xdrScope: (v) => /^\S+\/\.default$/.test(v),
    rateLimits: limitsOk,
    pollIntervalSeconds: (v) => Number.isFinite(Number(v)) && Number(v) >= 0.05 && Number(v) <= 300,
    requestTimeoutSeconds: (v) => Number.isFinite(Number(v)) && Number(v) >= 0.1 && Number(v) <= 600,
    listingLagSeconds: (v) => Number.isFinite(Number(v)) && Number(v) >= 0 && Number(v) <= 600,
};

/** Arbitrary text, and texts near each key's edges. */
const text = fc.oneof(
    fc.string({ unit: "binary", maxLength: 60 }),
    fc.string({ unit: "binary", minLength: 500, maxLength: 3000 }),
    fc.constantFrom(
        "",
        " ",
        "commercial",
        "GCCHigh",
        "DoD ",
        "0.05",
        "0.049",
        "300",
        "1e2",
        "NaN",
        "Infinity",
        "-1",
        "0x10",
        "[]",
        "[{}]",
        "{}",
        "null",
        `[{"calls":0,"perSeconds":60}]`,
        `[{"calls":1,"perSeconds":1,"burst":2}]`,
        `[{"calls":1.5,"perSeconds":1}]`,
        "http://127.0.0.1:8443",
        "http://localhost",
        "http://[::1]:1",
        "http://127.0.0.1.nip.io",
        "http://localhost.evil.test",
        "http://0.0.0.0",
        "https://user:pw@api.security.microsoft.com",
        "https://api.security.microsoft.com/?x=1",
        "https://a#b",
        "ftp://api.security.microsoft.com",
        "https://api.securitycenter.microsoft.com/.default",
        "api://x/.default",
        "https://x/.default ",
        "contoso.onmicrosoft.com",
        "-contoso",
        GUID.source,
    ),
    fc.webUrl(),
    fc.uuid().map((u) => u.toUpperCase()),
    fc.double().map(String),
);

const SECRET = fc.stringMatching(/^zq[A-Za-z0-9~._-]{14,30}$/);

function settingsOf(config: Partial<Record<Key, string>>, extra: Record<string, string> = {}) {
    return readSettings((key) => {
        const short = key.replace(/^defender:/, "");
        return short in config ? config[short as Key] : extra[key];
    });
}

function attempt(config: Partial<Record<Key, string>>): { ok: true } | { ok: false; message: string } {
    try {
        settingsOf(config);
        return { ok: true };
    } catch (e) {
        assert.ok(e instanceof Error, "throws only an Error");
        assert.match(e.message, /^Invalid provider configuration:\n/);
        return { ok: false, message: e.message };
    }
}

describe("the provider configuration as properties over arbitrary values", () => {
    let sandbox: sinon.SinonSandbox;
    let network: NetworkGuard;

    beforeEach(() => {
        sandbox = sinon.createSandbox();
        network = guardNetwork(sandbox);
    });
    afterEach(() => {
        assert.deepEqual(network.attempts(), [], "no network");
        sandbox.restore();
    });

    it("accepts one key's value exactly when the contract does, and otherwise names that key", () => {
        fc.assert(
            fc.property(fc.constantFrom(...CONFIG_KEYS), text, (key, value) => {
                const result = attempt({ ...VALID, [key]: value });
                const trimmed = value.trim();
                // An empty value is an unset key: tenantId, clientId and clientSecret then lack one of the three.
                const unsetBreaksTrio = trimmed === "" && ["tenantId", "clientId", "clientSecret"].includes(key);
                const expectOk = trimmed === "" ? !unsetBreaksTrio : ORACLE[key](trimmed);
                assert.equal(result.ok, expectOk, result.ok ? `accepted defender:${key} = ${JSON.stringify(value)}` : result.message);
                if (!result.ok) assert.match(result.message, new RegExp(`\\b${key}\\b`), "the message names the key");
            }),
            counted(3000),
        );
    });

    it("accepts any combination of valid values, keeping them as given (trimmed)", () => {
        const valid = fc.record(
            {
                tenantId: fc.oneof(fc.uuid(), fc.domain()),
                clientId: fc.uuid(),
                clientSecret: SECRET,
                cloud: fc.constantFrom("Commercial", "GCC", "GCCHigh", "DoD"),
                apiBaseUrl: fc.oneof(
                    fc.domain().map((d) => `https://${d}`),
                    fc.integer({ min: 1, max: 65535 }).map((p) => `http://127.0.0.1:${p}`),
                ),
                pollIntervalSeconds: fc.double({ min: 0.05, max: 300, noNaN: true }).map(String),
            },
            { requiredKeys: ["cloud"] },
        );
        fc.assert(
            fc.property(valid, fc.boolean(), (config, padded) => {
                const trio = ["tenantId", "clientId", "clientSecret"] as const;
                const all = trio.every((k) => config[k] !== undefined);
                const none = trio.every((k) => config[k] === undefined);
                fc.pre(all || none);
                const pad = (v: string) => (padded ? `  ${v}\t` : v);
                const given = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, pad(String(v))])) as Partial<Record<Key, string>>;
                // Without the three, the ambient identity must be chosen explicitly.
                const settings = settingsOf(none ? { ...given, authMethod: "ambient" } : given);
                for (const k of ["tenantId", "clientId", "clientSecret", "cloud"] as const) {
                    assert.equal(settings.client[k], config[k]);
                }
            }),
            counted(1000),
        );
    });

    it("refuses plain http to any host off loopback, for the API and the login host", () => {
        const host = fc.oneof(
            fc.domain(),
            fc.ipV4().filter((ip) => !ip.startsWith("127.")),
            fc.constantFrom(
                "127.0.0.1.nip.io",
                "localhost.evil.test",
                "0.0.0.0",
                "[::ffff:7f00:1]",
                "[::]",
                "evil.test#@localhost",
                "evil.test\\@localhost",
                "10.0.0.1",
                "169.254.169.254",
            ),
        );
        fc.assert(
            fc.property(fc.constantFrom("apiBaseUrl", "authorityHost"), host, fc.option(fc.integer({ min: 1, max: 65535 })), (key, h, port) => {
                const value = `http://${h}${port === null ? "" : `:${port}`}`;
                const result = attempt({ ...VALID, [key]: value });
                assert.ok(!result.ok, `accepted defender:${key} = ${value}`);
                assert.match(result.message, new RegExp(`defender:${key} must (use https|not)`));
            }),
            counted(1000),
        );
    });

    it("never puts the client secret in the message, whatever else is wrong", () => {
        fc.assert(
            fc.property(SECRET, fc.dictionary(fc.constantFrom(...CONFIG_KEYS.filter((k) => k !== "clientSecret")), text), (secret, others) => {
                const result = attempt({ ...VALID, ...others, clientSecret: secret });
                fc.pre(!Object.values(others).some((v) => v.includes(secret)));
                if (!result.ok) assert.ok(!result.message.includes(secret), "the secret is in the message");
            }),
            counted(1000),
        );
    });
});
