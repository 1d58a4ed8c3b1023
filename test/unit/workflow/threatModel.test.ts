// docs/threat-model.md names a test beside every claim: each named test file exists, and each quoted
// test title is one of that file's tests, so a renamed or deleted test cannot leave a claim unbacked.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../../testkit/paths";

const DOC = fs.readFileSync(path.join(REPO_ROOT, "docs", "threat-model.md"), "utf8");

/** The table rows of the attack sections: `| attack | control | test |`. */
function attackRows(): { line: number; cells: string[] }[] {
    const lines = DOC.split("\n");
    const from = lines.indexOf("## Attacks and what stops them");
    const to = lines.indexOf("## What this does not cover");
    assert.ok(from > 0 && to > from, "the sections are there");
    return lines
        .map((text, i) => ({ line: i + 1, cells: text.split(/(?<!\\)\|/).slice(1, -1) }))
        .filter((r) => r.line > from && r.line <= to)
        .filter((r) => r.cells.length === 3 && !/^\s*-+\s*$/.test(r.cells[0]) && r.cells[0].trim() !== "attack");
}

describe("docs/threat-model.md: every claim is backed by a test that exists", () => {
    const rows = attackRows();

    it("has attack rows, each naming at least one test file", () => {
        assert.ok(rows.length >= 12, `${rows.length} rows`);
        for (const r of rows) {
            const cell = r.cells[2];
            if (/checked by no test here/.test(cell)) continue;
            assert.match(cell, /`test\/[^`]+\.test\.ts`/, `line ${r.line} names no test`);
        }
    });

    it("each named file exists and holds each quoted title (… stands for a generated part)", () => {
        let titles = 0;
        for (const r of rows) {
            // Each test file, then the quoted titles up to the next file.
            for (const part of r.cells[2].split(/(?=`test\/)/)) {
                const file = /^`(test\/[^`]+\.test\.ts)`/.exec(part)?.[1];
                if (!file) continue;
                const full = path.join(REPO_ROOT, file);
                assert.ok(fs.existsSync(full), `line ${r.line}: ${file} does not exist`);
                const source = fs.readFileSync(full, "utf8");
                for (const m of part.matchAll(/"([^"]+)"/g)) {
                    for (const piece of m[1]
                        .split("…")
                        .map((s) => s.trim())
                        .filter((s) => s.length > 8)) {
                        titles++;
                        assert.ok(source.includes(piece), `line ${r.line}: ${file} has no test titled ${JSON.stringify(piece)}`);
                    }
                }
            }
        }
        assert.ok(titles >= 20, `${titles} titles checked`);
    });
});
