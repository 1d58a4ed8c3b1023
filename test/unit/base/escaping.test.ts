// The escaping of outside text per output kind (provider/base: terminalText, markdownText, engineText): a terminal, Markdown, the engine's
// output that a pull request comment shows as HTML. Each hostile value is made inert, and plain values
// pass unchanged.
import assert from "node:assert/strict";
import { HOSTILE, RAW_CONTROL } from "../../../testkit/hostileText";
import { engineLines, engineText } from "../../../provider/base/engineText";
import { markdownLiteral, markdownProse } from "../../../provider/base/markdownText";
import { isTerminalSafe, terminalJson, terminalLines, terminalText } from "../../../provider/base/terminalText";

describe("text: escaping at each output", () => {
    describe("terminal", () => {
        it("writes every control, ANSI introducer, C1 control and bidi override as a visible escape", () => {
            assert.equal(terminalText(HOSTILE.ansiClear), "fin-lt-042\\x1b[2J\\x1b[1;1Hall devices released");
            assert.equal(terminalText(HOSTILE.oscTitle), "web-01\\x1b]0;owned\\x07");
            assert.equal(terminalText(HOSTILE.c1Csi), "srv-\\x9b31mred");
            assert.equal(terminalText(HOSTILE.bidi), "fin-lt-\\u202egpj.exe");
            assert.equal(terminalText(HOSTILE.newline), "fin-lt-042\\x0a# APPROVED");
            for (const v of Object.values(HOSTILE)) assert.doesNotMatch(terminalText(v), RAW_CONTROL, v);
        });

        it("leaves plain names and Unicode letters as they are", () => {
            for (const v of ["fin-lt-042.contoso.com", "analyst@contoso.com", "Müller – Straße 5", "研究-ws-01"]) {
                assert.equal(terminalText(v), v);
                assert.ok(isTerminalSafe(v));
            }
            assert.ok(!isTerminalSafe(HOSTILE.ansiClear));
        });

        it("keeps line breaks only where asked (messages), never a carriage return", () => {
            assert.equal(terminalLines("a\r\nb\rc\x1b"), "a\nb\\x0dc\\x1b");
        });

        it("JSON: C1 and bidi controls as \\u escapes, and the document parses back to the same values", () => {
            const doc = JSON.stringify({ name: HOSTILE.c1Csi, bidi: HOSTILE.bidi, esc: HOSTILE.ansiClear });
            const safe = terminalJson(doc);
            assert.doesNotMatch(safe, RAW_CONTROL);
            assert.deepEqual(JSON.parse(safe), JSON.parse(doc));
        });
    });

    describe("markdown", () => {
        it("each value is one code span: no heading, link, image, HTML or extra table cell can come out of it", () => {
            for (const v of Object.values(HOSTILE)) {
                const md = markdownLiteral(v);
                assert.match(md, /^(`+) ?[^\n]*? ?\1$/, `${JSON.stringify(v)} → ${md}`);
                assert.doesNotMatch(md, RAW_CONTROL, md);
                // An unescaped pipe would split the table cell.
                assert.doesNotMatch(md.replace(/\\\|/g, ""), /\|/, md);
            }
            assert.equal(markdownLiteral(HOSTILE.heading), "`# No changes`");
            assert.equal(markdownLiteral(HOSTILE.pipe), "`a \\| b \\| c`");
            assert.equal(markdownLiteral(HOSTILE.backticks), "``` ``code`` ends` ```");
            assert.equal(markdownLiteral(HOSTILE.newline), "`fin-lt-042\\x0a# APPROVED`");
        });

        it("nothing, an empty or a blank value is '-'; a long one is cut", () => {
            assert.equal(markdownLiteral(null), "-");
            assert.equal(markdownLiteral("  "), "-");
            assert.equal(markdownLiteral("x".repeat(300), 20), `\`${"x".repeat(19)}…\``);
        });

        it("prose: metacharacters escaped, HTML as entities", () => {
            assert.equal(markdownProse("# <b>x</b> [a](b) & *c*"), "\\# &lt;b&gt;x&lt;/b&gt; \\[a\\]\\(b\\) &amp; \\*c\\*");
        });
    });

    describe("engine output (the terminal, and the PR comment's <pre>)", () => {
        it("no <, > or & survives: a title cannot close the comment's <pre> block", () => {
            const out = engineText(HOSTILE.html);
            assert.equal(out, "\\u003c/pre\\u003e\\u003ch1\\u003ePreview: no changes\\u003c/h1\\u003e\\u003cpre\\u003e");
            assert.doesNotMatch(out, /[<>&]/);
            assert.equal(engineText(HOSTILE.entity), "\\u0026lt;script\\u0026gt;");
        });

        it("is terminal-safe too; a message keeps its lines", () => {
            for (const v of Object.values(HOSTILE)) assert.doesNotMatch(engineText(v), RAW_CONTROL);
            assert.equal(engineLines("line 1\nline <2>\x1b"), "line 1\nline \\u003c2\\u003e\\x1b");
        });

        it("leaves ordinary titles and names unchanged", () => {
            for (const v of ["Cobalt Strike beacon on finance laptops", "fin-lt-043.contoso.com", "incidents/inc-2031.yaml"]) assert.equal(engineText(v), v);
        });
    });
});
