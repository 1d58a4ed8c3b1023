import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { checkInputs, DEFAULT_RELEASE_COMMENT, MAX_COMMENT_LENGTH } from "../../../provider/resource/inputs";

const ID = "1e5bc9d7e413ddd7902c2932e418702b84d0cc07";
const UNKNOWN = pulumi.runtime.unknownValue;

/** A valid declaration, with overrides. */
function args(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { machineId: ID, comment: "INC-1 beacon", ...overrides };
}

describe("check (pure input rules)", () => {
    it("fills defaults and normalizes a valid declaration", () => {
        const { inputs, failures } = checkInputs(args({ machineId: ID.toUpperCase(), __provider: "text" }));
        assert.deepEqual(failures, []);
        assert.deepEqual(inputs, {
            __provider: "text",
            machineId: ID,
            comment: "INC-1 beacon",
            releaseComment: DEFAULT_RELEASE_COMMENT,
            isolationType: "Full",
            waitForCompletion: true,
            completionTimeoutSeconds: 600,
            protectedMachineTags: [],
        });
    });

    it("takes machineId and computerDnsName together (machineId decides; create checks the name)", () => {
        const { inputs, failures } = checkInputs(args({ computerDnsName: "Fin-LT-042.contoso.com" }));
        assert.deepEqual(failures, []);
        assert.equal(inputs.machineId, ID);
        assert.equal(inputs.computerDnsName, "fin-lt-042.contoso.com");
    });

    it("lower-cases and trims a DNS name", () => {
        const { inputs, failures } = checkInputs({ computerDnsName: " Fin-LT-042.contoso.com ", comment: "c" });
        assert.deepEqual(failures, []);
        assert.equal(inputs.computerDnsName, "fin-lt-042.contoso.com");
    });

    const refusals: Array<[string, Record<string, unknown>, string, RegExp]> = [
        ["neither id", { comment: "c" }, "machineId", /set machineId .* or computerDnsName/],
        ["39 hex characters", args({ machineId: ID.slice(1) }), "machineId", /40 hexadecimal/],
        ["41 hex characters", args({ machineId: ID + "a" }), "machineId", /40 hexadecimal/],
        ["path traversal id", args({ machineId: "../../api/machines" }), "machineId", /40 hexadecimal/],
        ["number id", args({ machineId: 42 }), "machineId", /got number 42/],
        ["name with a quote", { computerDnsName: "a' or 1 eq 1", comment: "c" }, "computerDnsName", /DNS name/],
        ["name as object", { computerDnsName: { a: 1 }, comment: "c" }, "computerDnsName", /must be a string/],
        ["missing comment", { machineId: ID }, "comment", /is required/],
        ["blank comment", args({ comment: "   " }), "comment", /non-empty/],
        ["long comment", args({ comment: "x".repeat(MAX_COMMENT_LENGTH + 1) }), "comment", /at most 1000/],
        ["blank release comment", args({ releaseComment: "" }), "releaseComment", /non-empty/],
        ["lower-case type", args({ isolationType: "full" }), "isolationType", /did you mean 'Full'/],
        ["unknown type", args({ isolationType: "Partial" }), "isolationType", /one of Full, Selective, UnManagedDevice/],
        ["string wait", args({ waitForCompletion: "yes" }), "waitForCompletion", /true or false/],
        ["negative timeout", args({ completionTimeoutSeconds: -1 }), "completionTimeoutSeconds", /0 to 259200/],
        ["fractional timeout", args({ completionTimeoutSeconds: 1.5 }), "completionTimeoutSeconds", /whole number/],
        ["tags not a list", args({ protectedMachineTags: "DoNotIsolate" }), "protectedMachineTags", /list/],
        ["empty tag", args({ protectedMachineTags: ["ok", ""] }), "protectedMachineTags[1]", /non-empty tag/],
        ["misspelt key", args({ machineID: ID }), "machineID", /did you mean 'machineId'/],
    ];
    for (const [title, news, property, reason] of refusals) {
        it(`refuses ${title}, naming ${property}`, () => {
            const { failures } = checkInputs(news);
            const hit = failures.find((f) => f.property === property);
            assert.ok(hit, `expected a failure on ${property}, got ${JSON.stringify(failures)}`);
            assert.match(hit.reason, reason);
        });
    }

    it("reports every failure at once", () => {
        const { failures } = checkInputs({ machineId: "x", comment: "", isolationType: "y" });
        assert.deepEqual(failures.map((f) => f.property).sort(), ["comment", "isolationType", "machineId"]);
    });

    it("lets unknown values through during preview", () => {
        const { inputs, failures } = checkInputs({ machineId: UNKNOWN, comment: UNKNOWN, isolationType: UNKNOWN, completionTimeoutSeconds: UNKNOWN });
        assert.deepEqual(failures, []);
        assert.equal(inputs.machineId, UNKNOWN);
        assert.equal(inputs.isolationType, UNKNOWN);
    });

    it("ignores the output names the resource registers", () => {
        const { failures } = checkInputs(args({ status: undefined, machineActionId: undefined }));
        assert.deepEqual(failures, []);
    });
});
