import { strict as assert } from "assert";
import { DEFAULT_RELEASE_COMMENT } from "../../../provider/resource/inputs";
import { PROVIDER_DEFAULT_RELEASE_COMMENT } from "../../../provider/rules/declaration";
import { RELEASE_REASON_DEFAULTS, releaseReasonViolations } from "../../../provider/rules/releaseReason";

describe("policy/release-reason", () => {
    const table: [releaseComment: unknown, minLength: number, expected: RegExp | undefined][] = [
        ["Released by Pulumi: incident INC-2031 closed", 1, undefined],
        ["ok", 1, undefined],
        ["ok", 10, /^releaseComment of computerDnsName "fin-lt-043.contoso.com" is 2 characters \("ok"\), fewer than minLength \(10\): set releaseComment/],
        [undefined, 1, /^releaseComment of computerDnsName "fin-lt-043.contoso.com" is not set: set releaseComment to why/],
        ["  ", 1, /is not set: /],
        [7, 1, /is not set: /],
        [PROVIDER_DEFAULT_RELEASE_COMMENT, 1, /is not set \("Released by Pulumi: declaration removed" is the provider's default, which gives no reason\)/],
    ];
    for (const [releaseComment, minLength, expected] of table) {
        it(`${JSON.stringify(releaseComment)}, minLength ${minLength}: ${expected ? "refused" : "a reason"}`, () => {
            const got = releaseReasonViolations({ computerDnsName: "fin-lt-043.contoso.com", releaseComment }, { ...RELEASE_REASON_DEFAULTS, minLength });
            if (!expected) assert.deepEqual(got, []);
            else {
                assert.equal(got.length, 1);
                assert.match(got[0], expected);
            }
        });
    }

    it("knows the provider's default release comment by its exact text", () => {
        assert.equal(PROVIDER_DEFAULT_RELEASE_COMMENT, DEFAULT_RELEASE_COMMENT);
    });
});
