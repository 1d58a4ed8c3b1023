// The pure parts of `npm run figures:house`: reading the duplicates command's rows, measuring
// functions, and the folder graph its folder cycles are found in.
import assert from "node:assert/strict";
import { countPairs, parseDuplicateRows } from "../../../scripts/house/duplicatePairs";
import { folderEdges, importFigures } from "../../../scripts/house/importFigures";
import { functionLengths } from "../../../scripts/house/longestFunctions";

describe("figures:house", () => {
    it("reads the duplicates command's rows and nothing else", () => {
        const pairs = parseDuplicateRows(
            [
                "3 pairs of places (10 files read), each sharing runs of 6 or more identical or same-shape lines",
                "D1 test/a.test.ts:10-24 ~ testkit/b.ts:40-54 (+1 more run)",
                "D2 provider/x.ts:1-8 ~ provider/y.ts:3-10 shape boilerplate",
                "D3 test/c.test.ts:1-6 ~ bench/d.ts:1-6",
                "left out: 1 run of 6 lines that stand in more than 8 places each (too common to list)",
            ].join("\n"),
        );
        assert.deepEqual(pairs, [
            { a: "test/a.test.ts", b: "testkit/b.ts", shape: false },
            { a: "provider/x.ts", b: "provider/y.ts", shape: true },
            { a: "test/c.test.ts", b: "bench/d.ts", shape: false },
        ]);
        assert.equal(
            countPairs(pairs, (f) => f.startsWith("test/") || f.startsWith("testkit/")),
            1,
        );
        assert.equal(
            countPairs(pairs, (f) => !f.startsWith("test/")),
            1,
        );
    });

    it("measures each function from its first line to its last, named as a reader finds it", () => {
        const text = [
            "export function outer(a: number) {", // 1
            "    const inner = (b: number) => {", // 2
            "        return a + b;", // 3
            "    };", // 4
            "    return inner(1);", // 5
            "}", // 6
            "const table = { pick() { return 1; } };", // 7
            'describe("suite", () => {', // 8
            "});", // 9
        ].join("\n");
        const found = functionLengths("x.ts", text).map((f) => `${f.name}@${f.line}:${f.lines}`);
        assert.deepEqual(found, ["outer@1:6", "inner@2:3", "pick@7:1", 'describe("suite")@8:2']);
    });

    it("finds a cycle between folders that no two files close", () => {
        const edges = [
            { from: "a/x.ts", to: "b/y.ts", local: true },
            { from: "b/z.ts", to: "a/w.ts", local: true },
            { from: "a/x.ts", to: "a/w.ts", local: true },
            { from: "test/t.test.ts", to: "bench/run.ts", local: true },
            { from: "a/x.ts", to: "node:fs", local: false },
        ];
        assert.deepEqual(
            folderEdges(edges).map((e) => `${e.from}>${e.to}`),
            ["a>b", "b>a", "test>bench"],
        );
        const figures = importFigures(edges);
        assert.deepEqual(figures.fileCycles, []);
        assert.deepEqual(figures.folderCycles, [["a", "b", "a"]]);
        assert.equal(figures.testToBench.length, 1);
    });
});
