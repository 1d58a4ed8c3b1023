// Figures on the code's house, printed: import cycles (files, folders), imports between the tests and
// the benchmark, the longest functions, duplicated code, lint findings and the unit suite's wall time.
// Usage: npm run figures:house [-- --no-lint] [-- --no-unit]
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { importEdges, sourceFiles } from "../../testkit/importGraph";
import { countPairs, runDuplicates } from "./duplicatePairs";
import { importFigures } from "./importFigures";
import { lintCounts } from "./lintCounts";
import { longestFunctions } from "./longestFunctions";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const FOLDERS = ["provider", "emulator", "testkit", "scripts", "bench", "test"];

const out = (line: string) => process.stdout.write(`${line}\n`);
const counts = (o: Record<string, number>) =>
    Object.entries(o)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v}`)
        .join(", ");

function unitSuite(): { seconds: number; ok: boolean } {
    const started = performance.now();
    const run = spawnSync(process.execPath, [path.join(ROOT, "node_modules", ".bin", "mocha"), "--reporter", "dot", "dist/test/unit/**/*.test.js"], {
        cwd: ROOT,
        stdio: ["ignore", "ignore", "inherit"],
    });
    return { seconds: (performance.now() - started) / 1000, ok: run.status === 0 };
}

function main(args: readonly string[]): number {
    const files = sourceFiles(ROOT, FOLDERS);
    const imports = importFigures(importEdges(ROOT, files));
    out(`sources: ${files.length} TypeScript files under ${FOLDERS.join(", ")}`);
    out(`import cycles between files: ${imports.fileCycles.length}`);
    for (const c of imports.fileCycles) out(`  ${c.join(" → ")}`);
    out(`import cycles between folders: ${imports.folderCycles.length}`);
    for (const c of imports.folderCycles) out(`  ${c.join(" → ")}`);
    out(`imports test/ → bench/: ${imports.testToBench.length} (${[...new Set(imports.testToBench.map((e) => e.from))].join(", ") || "none"})`);
    out(`imports bench/ → test/: ${imports.benchToTest.length}`);

    out("longest functions outside test/ (lines, name, file:line):");
    const nonTest = files.filter((f) => !f.startsWith("test/"));
    for (const f of longestFunctions(ROOT, nonTest, 10)) out(`  ${String(f.lines).padStart(4)}  ${f.name}  ${f.file}:${f.line}`);

    const pairs = runDuplicates(ROOT);
    if (pairs === undefined) out("duplicates: the `duplicates` command is not on this machine");
    else {
        const inTests = (f: string) => f.startsWith("test/") || f.startsWith("testkit/");
        out(`duplicate pairs (6+ lines): ${pairs.length} in all`);
        out(`  both in test/ or testkit/: ${countPairs(pairs, inTests)}`);
        out(
            `  neither in test/: ${countPairs(pairs, (f) => !f.startsWith("test/"))} (by shape alone: ${pairs.filter((p) => p.shape && !p.a.startsWith("test/") && !p.b.startsWith("test/")).length})`,
        );
    }

    if (!args.includes("--no-lint")) {
        const lint = lintCounts(ROOT, FOLDERS);
        out(`lint findings (eslint.config.mjs over ${FOLDERS.join(", ")}): ${lint.total} in ${lint.seconds.toFixed(1)} s`);
        if (lint.total > 0) out(`  by folder: ${counts(lint.byFolder)}`);
        if (lint.total > 0) out(`  by rule: ${counts(lint.byRule)}`);
    }
    if (!args.includes("--no-unit")) {
        const unit = unitSuite();
        out(`unit suite (mocha dist/test/unit): ${unit.seconds.toFixed(1)} s wall, ${unit.ok ? "passing" : "FAILING"}`);
    }
    return 0;
}

process.exitCode = main(process.argv.slice(2));
