import { strict as assert } from "assert";
import { matchingPattern, normalizeDnsName, sameMachineId } from "../../../provider/rules/names";

describe("policy/names: DNS-name patterns", () => {
    const table: [name: string, patterns: string[], match: string | undefined][] = [
        ["dc-01.contoso.com", ["dc-*"], "dc-*"],
        ["DC-01.Contoso.COM.", ["dc-*.contoso.com"], "dc-*.contoso.com"],
        ["nyc-dc-01.contoso.com", ["*-dc-??"], "*-dc-??"], // first label
        ["nyc-dc-001.contoso.com", ["*-dc-??"], undefined], // ? is exactly one character
        ["fin-lt-042.contoso.com", ["dc-*", "*-hv-*"], undefined],
        ["esx-hv-02.lab.contoso.com", ["dc-*", "*-hv-*"], "*-hv-*"],
        ["a+b.contoso.com", ["a+b.*"], "a+b.*"], // regex characters are literal
        ["aab.contoso.com", ["a+b.*"], undefined],
        ["x.contoso.com", ["(x|y).*"], undefined],
        ["web.contoso.com", ["", "  "], undefined], // an empty pattern matches nothing
        ["soc-jump-1.contoso.com", ["SOC-JUMP-*"], "SOC-JUMP-*"],
        ["anything.contoso.com", ["*"], "*"],
    ];
    for (const [name, patterns, match] of table) {
        it(`${name} against ${JSON.stringify(patterns)}: ${match ?? "no match"}`, () => {
            assert.equal(matchingPattern(name, patterns), match);
        });
    }

    it("normalizes case, blanks and a trailing dot; compares ids ignoring case", () => {
        assert.equal(normalizeDnsName(" Web-LNX-03.Contoso.com. "), "web-lnx-03.contoso.com");
        assert.ok(sameMachineId("A1BEB9C642989D916897D4CE0A770C37ADC96B20", "a1beb9c642989d916897d4ce0a770c37adc96b20"));
        assert.ok(!sameMachineId("a1beb9c642989d916897d4ce0a770c37adc96b20", "a1beb9c642989d916897d4ce0a770c37adc96b21"));
    });
});
