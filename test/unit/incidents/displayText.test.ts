import { strict as assert } from "assert";
import { markdownCell, markdownCode, plainText } from "../../../provider/incidents/displayText";

describe("incidents/displayText: text from files and Defender is data", () => {
    it("plainText: one printable line, bounded", () => {
        assert.equal(plainText("fin-lt-042\r\n\u001b[31mred\u001b[0m\u202Eevil\u200b."), "fin-lt-042 [31mred [0m evil .");
        assert.equal(plainText(`a${"x".repeat(300)}`, 10), "axxxxxxxx…");
        assert.equal(plainText("  spaced \t out  "), "spaced out");
    });

    it("markdownCell: no pipe, no markup, no line break; DNS names stay readable", () => {
        assert.equal(markdownCell("fin-lt-042.contoso.com"), "fin-lt-042.contoso.com");
        assert.equal(
            markdownCell("a|b *c* _d_ `e` [f](g) <img src=x> ~~h~~ &amp;"),
            "a\\|b \\*c\\* \\_d\\_ \\`e\\` \\[f\\](g) \\<img src=x\\> \\~\\~h\\~\\~ \\&amp;",
        );
        assert.equal(markdownCell("line one\n| injected | row |"), "line one \\| injected \\| row \\|");
        // eslint-disable-next-line no-control-regex
        assert.doesNotMatch(markdownCell("x\u0000y\u007fz\u2028w"), /[\u0000\u007f\u2028]/);
    });

    it("markdownCode: a backtick cannot end the code span", () => {
        assert.equal(markdownCode("a1b2`c"), "`a1b2'c`");
    });
});
