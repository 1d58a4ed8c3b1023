import { strict as assert } from "assert";
import { TRACEABILITY_DEFAULTS, traceabilityViolations } from "../../../provider/rules/traceability";

describe("policy/incident-traceability", () => {
    const table: [comment: unknown, pattern: string, ok: boolean][] = [
        ["INC-2031 Cobalt Strike beacon on finance laptops", TRACEABILITY_DEFAULTS.incidentPattern, true],
        ["Contained per INC-7 (see ticket)", TRACEABILITY_DEFAULTS.incidentPattern, true],
        ["SEC-77 Phishing follow-up", TRACEABILITY_DEFAULTS.incidentPattern, false],
        ["inc-2031 lower case", TRACEABILITY_DEFAULTS.incidentPattern, false],
        ["INC- no number", TRACEABILITY_DEFAULTS.incidentPattern, false],
        ["   ", TRACEABILITY_DEFAULTS.incidentPattern, false],
        [undefined, TRACEABILITY_DEFAULTS.incidentPattern, false],
        [42, TRACEABILITY_DEFAULTS.incidentPattern, false],
        ["SEC-77 Phishing follow-up", "SEC-\\d+", true],
        ["INC-2031 only", "^(INC|SEC)-\\d{4,}\\b", true],
        ["INC-203 too short", "^(INC|SEC)-\\d{4,}\\b", false],
    ];
    for (const [comment, pattern, ok] of table) {
        it(`${JSON.stringify(comment)} against /${pattern}/: ${ok ? "traceable" : "refused"}`, () => {
            const got = traceabilityViolations({ computerDnsName: "fin-lt-043.contoso.com", comment }, { incidentPattern: pattern });
            assert.equal(got.length, ok ? 0 : 1, got.join("\n"));
            if (!ok)
                assert.match(
                    got[0],
                    /^comment of computerDnsName "fin-lt-043.contoso.com" names no incident matching \/.+\/.*: name the incident in the comment/,
                );
        });
    }

    it("a pattern that is no regular expression refuses everything, naming the config key", () => {
        const [v] = traceabilityViolations({ comment: "INC-1 fine" }, { incidentPattern: "INC-(\\d+" });
        assert.match(
            v,
            /^the policy pack's config is invalid: incidentPattern "INC-\(\\\\d\+" is not a regular expression .*: fix incidentPattern of incident-traceability$/,
        );
    });
});
