import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { diffDeclaration } from "../../../provider/resource/diff";

const ID = "1e5bc9d7e413ddd7902c2932e418702b84d0cc07";
const OTHER = "2a6cd0e8f524eee8a13d3a43f529813c95e1dd18";
const UNKNOWN = pulumi.runtime.unknownValue;

/** State as create writes it, with overrides. */
function state(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        machineId: ID,
        computerDnsName: "Fin-LT-042.contoso.com",
        isolationType: "Full",
        comment: "c",
        releaseComment: "r",
        waitForCompletion: true,
        completionTimeoutSeconds: 600,
        protectedMachineTags: [],
        machineActionId: "a",
        status: "Succeeded",
        __provider: "old",
        ...overrides,
    };
}
/** Checked inputs, with overrides. */
function news(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        machineId: ID,
        comment: "c",
        releaseComment: "r",
        isolationType: "Full",
        waitForCompletion: true,
        completionTimeoutSeconds: 600,
        protectedMachineTags: [],
        __provider: "new",
        ...overrides,
    };
}

describe("diff (pure)", () => {
    const table: Array<[string, Record<string, unknown>, boolean, string[]]> = [
        ["nothing changed (a new provider text is not a change)", news(), false, []],
        ["another device id", news({ machineId: OTHER }), true, ["machineId"]],
        ["the same device named by its DNS name instead", news({ machineId: undefined, computerDnsName: "fin-lt-042.contoso.com" }), false, []],
        ["another DNS name", news({ machineId: undefined, computerDnsName: "fin-lt-043.contoso.com" }), true, ["computerDnsName"]],
        ["isolation type: an update in place, never a release first", news({ isolationType: "Selective" }), true, []],
        ["comment", news({ comment: "c2" }), true, []],
        ["release comment", news({ releaseComment: "r2" }), true, []],
        ["waitForCompletion", news({ waitForCompletion: false }), true, []],
        ["completion timeout", news({ completionTimeoutSeconds: 60 }), true, []],
        ["protected tags", news({ protectedMachineTags: ["DoNotIsolate"] }), true, []],
        ["unknown device during preview", news({ machineId: UNKNOWN }), true, ["machineId"]],
        ["unknown type during preview", news({ isolationType: UNKNOWN }), true, []],
    ];
    for (const [title, input, changes, replaces] of table) {
        it(`${title} → changes ${changes}, replaces [${replaces.join(", ")}]`, () => {
            const result = diffDeclaration(state(), input);
            assert.equal(result.changes, changes);
            assert.deepEqual(result.replaces, replaces);
            assert.equal(result.deleteBeforeReplace, true);
        });
    }
});
