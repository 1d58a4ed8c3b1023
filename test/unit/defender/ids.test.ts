import assert from "node:assert/strict";
import {
    actionIdProblem,
    assertActionId,
    assertMachineId,
    buildQuery,
    dnsNameProblem,
    encodePathSegment,
    encodeQueryValue,
    isActionId,
    isDefenderApiError,
    isMachineId,
    odataEq,
    odataIn,
    odataString,
} from "../../../provider/defender";
import { MACHINE_ID } from "./support/fixtures";

describe("defender/ids", () => {
    describe("machine ids", () => {
        it("accepts exactly 40 hexadecimal characters in either case", () => {
            assert.equal(isMachineId(MACHINE_ID), true);
            assert.equal(isMachineId(MACHINE_ID.toUpperCase()), true);
        });

        const bad: Array<[string, unknown]> = [
            ["39 characters", MACHINE_ID.slice(1)],
            ["41 characters", `${MACHINE_ID}0`],
            ["path traversal", "../x"],
            ["encoded traversal", "%2e%2e"],
            ["traversal padded to 40", `../${"a".repeat(37)}`],
            ["a non-hex letter", `g${MACHINE_ID.slice(1)}`],
            ["fullwidth digit look-alike", `\uff11${MACHINE_ID.slice(1)}`],
            ["Arabic-Indic digit look-alike", `\u0661${MACHINE_ID.slice(1)}`],
            ["Cyrillic a look-alike", `${MACHINE_ID.slice(0, 39)}\u0430`],
            ["trailing newline", `${MACHINE_ID}\n`],
            ["leading space", ` ${MACHINE_ID.slice(1)}`],
            ["empty", ""],
            ["a number", 42],
            ["null", null],
            ["a computer name", "fin-lt-042.contoso.com"],
        ];
        for (const [name, value] of bad) {
            it(`refuses ${name}`, () => {
                assert.equal(isMachineId(value), false);
                assert.throws(
                    () => assertMachineId(value, "machineId", { method: "POST", path: "/api/machines/{machineId}/isolate" }),
                    (e: unknown) => {
                        assert.ok(isDefenderApiError(e));
                        assert.equal(e.kind, "invalidInput");
                        assert.equal(e.outcomeUnknown, false);
                        assert.match(
                            e.message,
                            /^Defender API POST \/api\/machines\/\{machineId\}\/isolate refused before sending: machineId must be a Defender device id: exactly 40 hexadecimal characters/,
                        );
                        return true;
                    },
                );
            });
        }

        it("shows look-alike characters escaped in the message", () => {
            assert.throws(() => assertMachineId(`\uff11${MACHINE_ID.slice(1)}`), /got "\\uff11e5bc9d7/);
        });
    });

    describe("action ids", () => {
        it("accepts GUIDs and refuses anything else, naming the field", () => {
            assert.equal(isActionId("7f3c2a1e-0b4d-4c8e-9a6f-2d1e3c4b5a69"), true);
            assert.equal(isActionId("7F3C2A1E-0B4D-4C8E-9A6F-2D1E3C4B5A69"), true);
            for (const bad of [
                "7f3c2a1e0b4d4c8e9a6f2d1e3c4b5a69",
                "{7f3c2a1e-0b4d-4c8e-9a6f-2d1e3c4b5a69}",
                "../cancel",
                "",
                "7f3c2a1e-0b4d-4c8e-9a6f-2d1e3c4b5a6",
            ]) {
                assert.equal(isActionId(bad), false, bad);
            }
            assert.match(actionIdProblem("x", "filter.ids[3]") ?? "", /^filter\.ids\[3\] must be a MachineAction id: a GUID/);
            assert.throws(
                () => assertActionId("../x"),
                (e: unknown) => isDefenderApiError(e) && e.kind === "invalidInput",
            );
        });
    });

    describe("encodePathSegment", () => {
        it("percent-encodes every reserved character, including %", () => {
            assert.equal(encodePathSegment("a/b?c#d%2e"), "a%2Fb%3Fc%23d%252e");
            assert.equal(encodePathSegment("%2e%2e"), "%252e%252e");
        });
        for (const seg of ["", ".", ".."]) {
            it(`refuses ${JSON.stringify(seg)}`, () => {
                assert.throws(() => encodePathSegment(seg), /a URL path segment must not be empty, "\." or "\.\."/);
            });
        }
    });

    describe("DNS names", () => {
        for (const ok of ["fin-lt-042.contoso.com", "DESKTOP-ABC123", "host_1.corp", "a", `${"a".repeat(63)}.com`]) {
            it(`accepts ${ok.length > 30 ? `${ok.slice(0, 30)}…` : ok}`, () => assert.equal(dnsNameProblem(ok), undefined));
        }
        const bad: Array<[string, unknown]> = [
            ["a quote", "x' or 1 eq 1 or 'a"],
            ["a double quote", 'x"y'],
            ["a space", "fin lt"],
            ["a control character", "fin\u0000lt"],
            ["a tab", "fin\tlt"],
            ["a wildcard", "fin*"],
            ["an empty label", "fin..contoso.com"],
            ["a trailing dot", "fin.contoso.com."],
            ["a leading hyphen", "-fin.contoso.com"],
            ["a label over 63", `${"a".repeat(64)}.com`],
            ["over 255 characters", `${"abcdefgh.".repeat(29)}com`],
            ["non-ASCII", "fín.contoso.com"],
            ["a slash", "fin/../x"],
            ["empty", ""],
            ["not a string", 5],
        ];
        for (const [name, value] of bad) {
            it(`refuses ${name}`, () => {
                const problem = dnsNameProblem(value, "computerDnsName");
                assert.ok(problem, "expected a problem");
                assert.match(problem, /^computerDnsName must be a device's DNS name such as fin-lt-042\.contoso\.com/);
                assert.match(problem, /or declare the machineId instead/);
            });
        }
    });

    describe("OData", () => {
        it("doubles single quotes in string literals", () => {
            assert.equal(odataString("o'brien"), "'o''brien'");
            assert.equal(odataString("''"), "''''''");
            assert.equal(odataEq("computerDnsName", "a' or 'b"), "computerDnsName eq 'a'' or ''b'");
            assert.equal(odataIn("id", ["a", "b'c"]), "id in ('a','b''c')");
        });

        it("encodes query values so the URL parser leaves them as built", () => {
            const encoded = encodeQueryValue("machineId eq 'x' and (a*b)!");
            assert.equal(encoded, "machineId%20eq%20%27x%27%20and%20%28a%2Ab%29%21");
            const url = new URL(`http://h/p?$filter=${encoded}`);
            assert.equal(url.search, `?$filter=${encoded}`);
            assert.equal(new URLSearchParams(url.search).get("$filter"), "machineId eq 'x' and (a*b)!");
        });

        it("builds a query from ordered pairs, leaving out undefined values", () => {
            assert.equal(
                buildQuery([
                    ["$filter", "a eq 'b'"],
                    ["$top", 10],
                    ["$skip", undefined],
                ]),
                "?$filter=a%20eq%20%27b%27&$top=10",
            );
            assert.equal(buildQuery([["$skip", undefined]]), "");
        });
    });
});
