// The emulator's folders are its layers: no import cycle between its files or its folders, and no import from
// a lower layer to a higher one. The repository's layering test sees emulator/ as one layer; this one looks inside.
import assert from "node:assert/strict";
import { findCycles, importEdges, layeringViolations, sourceFiles, specifiersOf, type ImportEdge, type Layer } from "../../../testkit/importGraph";
import { REPO_ROOT } from "../../../testkit/paths";

/** Folder of emulator/ → layer, lowest first ("." holds the files at its root); as in emulator/index.ts and emulator/README.md. */
const EMULATOR_LAYERS: Readonly<Record<string, number>> = {
    base: 0,
    fleet: 1,
    entra: 2,
    defender: 2,
    routes: 3,
    core: 4,
    control: 5,
    http: 6,
    start: 7,
    ".": 8,
};

/** The table as the repository checker's layers: a folder may import every folder of its own layer or a lower one. */
function asLayers(table: Readonly<Record<string, number>>): Layer[] {
    const folders = Object.keys(table);
    return folders.map((folder) => ({
        name: folder,
        owns: [folder === "." ? "emulator/" : `emulator/${folder}/`],
        may: folders.filter((other) => other !== folder && table[other] <= table[folder]),
    }));
}

/** The emulator folder a file is in; "." for the files at its root. */
function folderOf(file: string): string {
    const rest = file.slice("emulator/".length);
    return rest.includes("/") ? rest.slice(0, rest.indexOf("/")) : ".";
}

/** Files in a folder the table does not name (the root layer would otherwise take them in silently). */
function undeclaredFolders(files: readonly string[], table: Readonly<Record<string, number>>): string[] {
    return files.filter((f) => table[folderOf(f)] === undefined).map((f) => `${f}: folder "${folderOf(f)}" has no layer; declare it in EMULATOR_LAYERS`);
}

/** The import graph between folders: an edge wherever a file imports a file of another folder. */
function folderEdges(edges: readonly ImportEdge[]): ImportEdge[] {
    return edges.filter((e) => e.local && folderOf(e.from) !== folderOf(e.to)).map((e) => ({ from: folderOf(e.from), to: folderOf(e.to), local: true }));
}

const cycleLines = (edges: readonly ImportEdge[]): string[] => findCycles(edges).map((c) => c.join(" → "));

describe("emulator/layering: its folders are its layers", () => {
    const files = sourceFiles(REPO_ROOT, ["emulator"]);
    const edges = importEdges(REPO_ROOT, files).filter((e) => e.local);

    it("reads the emulator's sources", () => {
        assert.ok(files.includes("emulator/index.ts") && files.includes("emulator/core/emulatorCore.ts"), "not the emulator's sources");
        assert.ok(edges.length > 100, `only ${edges.length} imports found`);
    });

    it("every folder has a layer", () => {
        assert.deepEqual(undeclaredFolders(files, EMULATOR_LAYERS), []);
    });

    it("imports only from its own layer or lower ones", () => {
        assert.deepEqual(layeringViolations(asLayers(EMULATOR_LAYERS), files, edges), []);
    });

    it("has no import cycle between files", () => {
        assert.deepEqual(cycleLines(edges), []);
    });

    it("has no import cycle between folders", () => {
        assert.deepEqual(cycleLines(folderEdges(edges)), []);
    });
});

describe("emulator/layering: the checks can fail", () => {
    it("reads every form of import: import/export … from, a bare import, import(), require()", () => {
        const text = [
            'import a from "./a";',
            'import type { B } from "../b";',
            'import "./c";',
            'export { d } from "./d";',
            'export * from "./e";',
            'import f = require("./f");',
            'const g = require("./g");',
            'const h = import("./h");',
            "import {",
            "    i,",
            '} from "./i";',
            '// import { not } from "./commented";',
        ].join("\n");
        assert.deepEqual(specifiersOf(text), ["./a", "../b", "./c", "./d", "./e", "./f", "./g", "./h", "./i"]);
    });

    it("reports a cycle, an upward import and an undeclared folder in a made-up emulator, naming the files", () => {
        const edge = (from: string, to: string): ImportEdge => ({ from: `emulator/${from}`, to: `emulator/${to}`, local: true });
        const edges = [edge("base/ids.ts", "http/server.ts"), edge("http/server.ts", "core/core.ts"), edge("core/core.ts", "base/ids.ts")];
        const files = ["emulator/base/ids.ts", "emulator/http/server.ts", "emulator/core/core.ts", "emulator/misc/loose.ts", "emulator/index.ts"];
        assert.deepEqual(cycleLines(edges), ["emulator/base/ids.ts → emulator/http/server.ts → emulator/core/core.ts → emulator/base/ids.ts"]);
        assert.deepEqual(cycleLines(folderEdges(edges)), ["base → http → core → base"]);
        assert.deepEqual(layeringViolations(asLayers(EMULATOR_LAYERS), files, edges), [
            "emulator/base/ids.ts → emulator/http/server.ts: layer base may not import layer http",
        ]);
        assert.deepEqual(undeclaredFolders(files, EMULATOR_LAYERS), ['emulator/misc/loose.ts: folder "misc" has no layer; declare it in EMULATOR_LAYERS']);
    });

    it("passes a made-up emulator whose imports only go down", () => {
        const edge = (from: string, to: string): ImportEdge => ({ from: `emulator/${from}`, to: `emulator/${to}`, local: true });
        const edges = [
            edge("index.ts", "http/server.ts"),
            edge("http/server.ts", "core/core.ts"),
            edge("core/core.ts", "base/ids.ts"),
            edge("entra/a.ts", "defender/b.ts"),
        ];
        const files = [
            "emulator/index.ts",
            "emulator/http/server.ts",
            "emulator/core/core.ts",
            "emulator/base/ids.ts",
            "emulator/entra/a.ts",
            "emulator/defender/b.ts",
        ];
        assert.deepEqual(cycleLines(edges), []);
        assert.deepEqual(cycleLines(folderEdges(edges)), []);
        assert.deepEqual(layeringViolations(asLayers(EMULATOR_LAYERS), files, edges), []);
        assert.deepEqual(undeclaredFolders(files, EMULATOR_LAYERS), []);
    });
});
