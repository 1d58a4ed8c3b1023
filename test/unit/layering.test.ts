// The layering rule (README "Development"), checked over the whole import graph: each folder imports
// only the layers listed under it, no import cycle anywhere, the Defender client knows nothing of
// Pulumi, and the guardrail rules import nothing at all (the policy pack compiles them in).
import assert from "node:assert/strict";
import { findCycles, importEdges, layeringViolations, sourceFiles, type ImportEdge, type Layer } from "../../testkit/importGraph";
import { REPO_ROOT } from "../../testkit/paths";

const PROVIDER_BELOW_APPS = ["base", "defender", "rules", "resource", "incidents", "inventory"];

/** Bottom-up. `may` names the layers a layer imports; nothing else is allowed. */
export const LAYERS: readonly Layer[] = [
    // The npm package, provider/: base → client → resource → libraries → programs.
    { name: "base", owns: ["provider/base/"], may: [], forbidsPackages: "any" },
    { name: "defender", owns: ["provider/defender/"], may: ["base"], forbidsPackages: ["@pulumi/"] },
    { name: "rules", owns: ["provider/rules/"], may: [], forbidsPackages: "any" },
    { name: "resource", owns: ["provider/resource/", "provider/lifecycle/"], may: ["base", "defender"] },
    { name: "incidents", owns: ["provider/incidents/"], may: ["base", "defender", "resource", "rules"] },
    { name: "inventory", owns: ["provider/inventory/"], may: ["base", "defender", "rules", "resource", "incidents"] },
    { name: "apps/gitops", owns: ["provider/apps/gitops/"], may: PROVIDER_BELOW_APPS },
    { name: "apps/cli", owns: ["provider/apps/cli/"], may: PROVIDER_BELOW_APPS },
    { name: "apps/plugin", owns: ["provider/apps/plugin/"], may: PROVIDER_BELOW_APPS },
    { name: "package", owns: ["provider/index.ts"], may: PROVIDER_BELOW_APPS },
    // Beside the package: the policy pack, the emulator, the engine's build tooling.
    { name: "policy", owns: ["policy/"], may: ["rules"] },
    { name: "emulator", owns: ["emulator/"], may: [] },
    { name: "engine-tools", owns: ["scripts/engine/"], may: [] },
    // Everything that drives the above: the test kit, scripts, the benchmark, the tests.
    { name: "testkit", owns: ["testkit/"], may: [...PROVIDER_BELOW_APPS, "apps/gitops", "apps/cli", "apps/plugin", "package", "emulator", "engine-tools"] },
    { name: "scripts", owns: ["scripts/"], may: ["package", "apps/plugin", "emulator", "engine-tools", "testkit"] },
    {
        name: "bench",
        owns: ["bench/"],
        may: [...PROVIDER_BELOW_APPS, "apps/gitops", "apps/plugin", "package", "emulator", "engine-tools", "testkit", "scripts"],
    },
    {
        name: "test",
        owns: ["test/"],
        may: [...PROVIDER_BELOW_APPS, "apps/gitops", "apps/cli", "apps/plugin", "package", "policy", "emulator", "engine-tools", "testkit", "scripts", "bench"],
    },
];

const FOLDERS = ["provider", "policy", "emulator", "scripts", "testkit", "bench", "test"];

describe("layering: the import graph of the whole repository", () => {
    const files = sourceFiles(REPO_ROOT, FOLDERS).filter((f) => !f.startsWith("policy/node_modules/"));
    const edges = importEdges(REPO_ROOT, files);

    it("reads the real tree", () => {
        assert.ok(files.includes("provider/defender/transport.ts") && files.includes("provider/resource/create.ts"), "not the repository's sources");
        assert.ok(edges.length > 500, `only ${edges.length} imports found`);
    });

    it("every file belongs to a layer and imports only the layers below it", () => {
        assert.deepEqual(layeringViolations(LAYERS, files, edges), []);
    });

    it("has no import cycle", () => {
        assert.deepEqual(
            findCycles(edges).map((c) => c.join(" → ")),
            [],
        );
    });

    it("tests import the benchmark only to test the benchmark (test/*/bench/)", () => {
        const reaching = edges.filter((e) => e.local && e.from.startsWith("test/") && e.to.startsWith("bench/") && !/^test\/[a-z]+\/bench\//.test(e.from));
        assert.deepEqual(
            reaching.map((e) => `${e.from} → ${e.to}`),
            [],
        );
    });
});

describe("layering: the checker itself", () => {
    const layers: Layer[] = [
        { name: "low", owns: ["a/"], may: [], forbidsPackages: ["@pulumi/"] },
        { name: "high", owns: ["b/"], may: ["low"] },
    ];
    const edge = (from: string, to: string, local = true): ImportEdge => ({ from, to, local });

    it("reports an upward import, a forbidden package and a file no layer owns", () => {
        const found = layeringViolations(
            layers,
            ["a/x.ts", "b/y.ts", "c/z.ts"],
            [edge("a/x.ts", "b/y.ts"), edge("a/x.ts", "@pulumi/pulumi", false), edge("b/y.ts", "a/x.ts")],
        );
        assert.deepEqual(found, [
            "c/z.ts: no layer owns this file",
            "a/x.ts → b/y.ts: layer low may not import layer high",
            "a/x.ts → @pulumi/pulumi: layer low must not import this package",
        ]);
    });

    it("reports each cycle once", () => {
        const cycles = findCycles([edge("a/1.ts", "a/2.ts"), edge("a/2.ts", "a/3.ts"), edge("a/3.ts", "a/1.ts"), edge("a/3.ts", "a/4.ts")]);
        assert.deepEqual(cycles, [["a/1.ts", "a/2.ts", "a/3.ts", "a/1.ts"]]);
    });
});
