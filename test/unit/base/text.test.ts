import assert from "node:assert/strict";
import { describeValue, JSON_WORDS, oneLine, quote } from "../../../provider/base/text";

describe("base/text: outside text in our messages", () => {
    it("quotes as JSON, escapes everything outside printable ASCII, and cuts to the bound", () => {
        assert.equal(quote('say "hi"'), '"say \\"hi\\""');
        assert.equal(quote("a\nb\u0430\u202e"), '"a\\nb\\u0430\\u202e"');
        assert.equal(quote("x".repeat(81)), `"${"x".repeat(77)}..."`);
        assert.equal(quote("x".repeat(80)), `"${"x".repeat(80)}"`);
        assert.equal(quote("abcdef", 5), '"ab..."');
    });

    it("names values by kind, in JSON's words or the caller's", () => {
        assert.deepEqual(
            [undefined, null, 3, false, [], {}, () => 1, "x"].map((v) => describeValue(v)),
            ["nothing", "null", "3", "false", "an array", "an object", "a function", '"x"'],
        );
        const yaml = { ...JSON_WORDS, array: "a list", object: "a mapping", null: "nothing" };
        assert.deepEqual(
            [null, [], {}].map((v) => describeValue(v, { words: yaml })),
            ["nothing", "a list", "a mapping"],
        );
        assert.equal(describeValue("y".repeat(70), { max: 60 }), `"${"y".repeat(57)}..."`);
    });

    it("puts text on one line, bounded, the cut marked", () => {
        assert.equal(oneLine("  a\r\nb\u2028c\u0000d  ", 100), "a b c d");
        assert.equal(oneLine("abcdef", 4), "abc…");
        assert.equal(oneLine("abcd", 4), "abcd");
        // What a terminal acts on: ESC (so ANSI), C1 (8-bit CSI), the bidi overrides.
        assert.equal(oneLine("fin\x1b[2J-lt\u009b31m-\u202egpj", 100), "fin [2J-lt 31m- gpj");
    });
});
