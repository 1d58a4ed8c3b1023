// Import cycles between files and between folders, and imports that cross between the tests and the benchmark.
import * as path from "node:path";
import { findCycles, type ImportEdge } from "../../testkit/importGraph";

/** The edges between folders (a file's directory), each once, none from a folder to itself. */
export function folderEdges(edges: readonly ImportEdge[]): ImportEdge[] {
    const seen = new Set<string>();
    const out: ImportEdge[] = [];
    for (const e of edges) {
        if (!e.local) continue;
        const from = path.posix.dirname(e.from);
        const to = path.posix.dirname(e.to);
        const key = `${from} ${to}`;
        if (from === to || seen.has(key)) continue;
        seen.add(key);
        out.push({ from, to, local: true });
    }
    return out;
}

export interface ImportFigures {
    fileCycles: string[][];
    folderCycles: string[][];
    testToBench: ImportEdge[];
    benchToTest: ImportEdge[];
}

export function importFigures(edges: readonly ImportEdge[]): ImportFigures {
    return {
        fileCycles: findCycles(edges),
        folderCycles: findCycles(folderEdges(edges)),
        testToBench: edges.filter((e) => e.local && e.from.startsWith("test/") && e.to.startsWith("bench/")),
        benchToTest: edges.filter((e) => e.local && e.from.startsWith("bench/") && e.to.startsWith("test/")),
    };
}
