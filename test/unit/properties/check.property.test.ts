/**
 * check, as properties over arbitrary input: whatever a program declares (strings, numbers, objects,
 * arrays, null, look-alike keys, prototype keys), `checkInputs` never throws, never touches the
 * network, accepts exactly what the contract allows (README, Arguments) and refuses everything else
 * with a failure that names the field, on one printable line.
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import sinon from "sinon";
import * as pulumi from "@pulumi/pulumi";
import { checkInputs } from "../../../provider/resource/inputs";
import { guardNetwork, type NetworkGuard } from "../../../testkit/faults/faultNetworkGuard";
import { counted } from "../../../testkit/faults/faultStats";

const ARGS = [
    "machineId",
    "computerDnsName",
    "comment",
    "isolationType",
    "releaseComment",
    "waitForCompletion",
    "completionTimeoutSeconds",
    "protectedMachineTags",
] as const;
type Arg = (typeof ARGS)[number];
/** Keys that are not arguments but are allowed: the engine's and the resource's outputs. */
const PASSED = new Set(["__provider", "machineActionId", "status", "requestor", "creationDateTimeUtc", "lastUpdateDateTimeUtc"]);
const UNKNOWN = pulumi.runtime.unknownValue;

/** The contract, written from the README independently of the code: is `value` acceptable for `key`? */
const ORACLE: Record<Arg, (v: unknown) => boolean> = {
    machineId: (v) => typeof v === "string" && /^[0-9a-fA-F]{40}$/.test(v.trim()),
    computerDnsName: (v) =>
        typeof v === "string" &&
        v.trim().length <= 255 &&
        v
            .trim()
            .split(".")
            .every((l) => l.length <= 63 && /^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?$/.test(l)),
    comment: (v) => typeof v === "string" && v.trim() !== "" && v.length <= 1000,
    releaseComment: (v) => typeof v === "string" && v.trim() !== "" && v.length <= 1000,
    isolationType: (v) => v === "Full" || v === "Selective" || v === "UnManagedDevice",
    waitForCompletion: (v) => typeof v === "boolean",
    completionTimeoutSeconds: (v) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 259_200,
    protectedMachineTags: (v) => Array.isArray(v) && v.every((t) => typeof t === "string" && t.trim() !== ""),
};

const BASE = { machineId: "a1beb9c642989d916897d4ce0a770c37adc96b20", comment: "INC-2031 beacon" };

/** Any value a program could declare, biased towards the edges of each argument. */
const value = fc.oneof(
    { arbitrary: fc.anything({ maxDepth: 2 }), weight: 4 },
    { arbitrary: fc.string({ unit: "binary", maxLength: 80 }), weight: 4 },
    { arbitrary: fc.string({ unit: "binary", minLength: 2000, maxLength: 6000 }), weight: 1 },
    { arbitrary: fc.stringMatching(/^[0-9a-fA-F]{38,42}$/), weight: 2 },
    {
        arbitrary: fc.constantFrom(
            "Full",
            "full",
            "Selective ",
            "UnManagedDevice",
            "unmanageddevice",
            "",
            " ",
            "\t",
            "a".repeat(1001),
            "x".repeat(256),
            "fin-lt-042.contoso.com",
            "fin-lt-042..contoso.com",
            "-a.b",
            "a_b.c",
            "\u0661".repeat(40),
            "\uff41".repeat(40),
            "../../api/machines",
            "%2e%2e",
            "a?b#c",
            "o'brien.contoso.com",
            UNKNOWN,
        ),
        weight: 4,
    },
    { arbitrary: fc.integer({ min: -2, max: 300_000 }), weight: 2 },
    { arbitrary: fc.double(), weight: 1 },
    { arbitrary: fc.array(fc.oneof(fc.string(), fc.constant(""), fc.constant(null), fc.integer()), { maxLength: 4 }), weight: 2 },
);

/** Keys a program could use: every argument, near misses, prototype names, anything. */
const key = fc.oneof(
    fc.constantFrom(...ARGS),
    fc.constantFrom(
        "MachineId",
        "machine_id",
        "machineId ",
        "comments",
        "isolation_type",
        "__proto__",
        "constructor",
        "toString",
        "hasOwnProperty",
        "valueOf",
        "__provider",
        "status",
    ),
    fc.string({ unit: "binary", maxLength: 20 }),
    fc.string({ minLength: 200, maxLength: 1000 }),
);

/** A declaration: a base that passes, with arbitrary keys overridden or added. */
const declaration = fc.tuple(fc.boolean(), fc.array(fc.tuple(key, value), { maxLength: 6 })).map(([withBase, entries]) => {
    const news: Record<string, unknown> = withBase ? { ...BASE } : {};
    for (const [k, v] of entries) Object.defineProperty(news, k, { value: v, enumerable: true, writable: true, configurable: true });
    return news;
});

const given = (news: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(news, k) && news[k] !== undefined && news[k] !== null;

/** The fields check names: an element's failure (protectedMachineTags[2]) names its argument; a key of the declaration is named as it is. */
function namedFailures(news: Record<string, unknown>): string[] {
    const field = (p: string) => (Object.prototype.hasOwnProperty.call(news, p) ? p : p.replace(/\[\d+\]$/, ""));
    return [...new Set(checkInputs(news).failures.map((f) => field(f.property)))].sort();
}

/** The fields the contract refuses. */
function expectedFailures(news: Record<string, unknown>): string[] {
    const expected = new Set<string>();
    for (const k of Object.keys(news)) {
        if (!(ARGS as readonly string[]).includes(k) && !PASSED.has(k)) expected.add(k);
    }
    for (const arg of ARGS) {
        if (given(news, arg) && news[arg] !== UNKNOWN && !ORACLE[arg](news[arg])) expected.add(arg);
    }
    // machineId, computerDnsName or both (machineId decides; create checks the name).
    if (!given(news, "machineId") && !given(news, "computerDnsName")) expected.add("machineId");
    if (!given(news, "comment")) expected.add("comment");
    return [...expected].sort();
}

describe("check as properties over arbitrary declarations", () => {
    let sandbox: sinon.SinonSandbox;
    let network: NetworkGuard;

    beforeEach(() => {
        sandbox = sinon.createSandbox();
        network = guardNetwork(sandbox);
    });
    afterEach(() => {
        sandbox.restore();
    });

    it("never throws, never touches the network, and every failure names a field on one printable line", () => {
        fc.assert(
            fc.property(declaration, (news) => {
                const { failures } = checkInputs(news);
                for (const f of failures) {
                    const field = f.property.replace(/\[\d+\]$/, "");
                    assert.ok(
                        (ARGS as readonly string[]).includes(field) || Object.keys(news).includes(f.property),
                        `the failure names a field of the declaration: ${JSON.stringify(f.property)}`,
                    );
                    assert.ok(f.reason.length > 0 && f.reason.length <= 1000, `a bounded reason whatever the input's size: ${f.reason.length} characters`);
                    // eslint-disable-next-line no-control-regex
                    assert.doesNotMatch(f.reason, /[\u0000-\u001f\u007f\u2028\u2029]/, "no control characters or line breaks from the input");
                }
            }),
            counted(2000),
        );
        assert.deepEqual(network.attempts(), []);
    });

    it("accepts a declaration exactly when the contract does, and refuses each bad field by name", () => {
        fc.assert(
            fc.property(declaration, (news) => {
                const { failures } = checkInputs(news);
                assert.deepEqual(namedFailures(news), expectedFailures(news), JSON.stringify(failures));
            }),
            {
                ...counted(3000),
                // An unknown argument whose name ends in an index is named as it is, not as an element.
                examples: [[{ ...BASE, "oEkwBD[9]": 250322 }], [{ ...BASE, "protectedMachineTags[0]": "x" }]],
            },
        );
    });

    it("replays the seed that found an unknown argument named like an element (oEkwBD[9])", () => {
        fc.assert(
            fc.property(declaration, (news) => assert.deepEqual(namedFailures(news), expectedFailures(news), JSON.stringify(news))),
            { seed: -659132631, path: "448", endOnFailure: true },
        );
    });

    it("normalizes what it accepts, and accepts its own output unchanged (idempotent)", () => {
        fc.assert(
            fc.property(declaration, (news) => {
                const first = checkInputs(news);
                fc.pre(first.failures.length === 0);
                const again = checkInputs(first.inputs);
                assert.deepEqual(again.failures, []);
                assert.deepEqual(again.inputs, first.inputs);
                for (const arg of ["isolationType", "waitForCompletion", "completionTimeoutSeconds", "protectedMachineTags", "releaseComment"]) {
                    assert.ok(arg in first.inputs, `${arg} has its default`);
                }
                const id = first.inputs.machineId;
                if (typeof id === "string" && id !== UNKNOWN) assert.match(id, /^[0-9a-f]{40}$/);
            }),
            counted(1000),
        );
    });
});
