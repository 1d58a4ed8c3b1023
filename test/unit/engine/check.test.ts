// What `npm run engine:check` reads of Go's output, and which modules it checks. The check itself
// (go vet, go test over engine/) runs in CI after the engine is built.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkEngine, EngineCheckError, goModules, NO_GO_FOR_CHECK, testOutcome } from "../../../scripts/engine/check";
import { REPO_ROOT } from "../../../testkit/paths";

const repoRoot = REPO_ROOT;

describe("engine: npm run engine:check", () => {
    it("checks every Go module under engine/, the engine's own first", () => {
        const modules = goModules(repoRoot).map((d) => path.relative(repoRoot, d));
        assert.equal(modules[0], "engine");
        for (const m of [path.join("engine", "yaml"), path.join("engine", "tools", "actionlint")])
            assert.ok(modules.includes(m), `modules: ${modules.join(", ")}`);
        for (const m of modules) assert.ok(fs.existsSync(path.join(repoRoot, m, "go.mod")), `${m} has a go.mod`);
    });

    it("counts top-level tests that passed, not subtests, and names the failed ones", () => {
        const stream = [
            '{"Action":"start","Package":"defender-isolation/engine/langhost"}',
            '{"Action":"run","Package":"defender-isolation/engine/langhost","Test":"TestParseRuntimeOptions"}',
            '{"Action":"pass","Package":"defender-isolation/engine/langhost","Test":"TestParseRuntimeOptions/yarn"}',
            '{"Action":"pass","Package":"defender-isolation/engine/langhost","Test":"TestParseRuntimeOptions"}',
            '{"Action":"fail","Package":"defender-isolation/engine/langhost","Test":"TestRunArguments/an_update"}',
            '{"Action":"fail","Package":"defender-isolation/engine/langhost","Test":"TestRunArguments"}',
            '{"Action":"pass","Package":"defender-isolation/engine/langhost","Test":"TestSDKEnv"}',
            "go: downloading example.com/x v1.0.0",
            '{"Action":"fail","Package":"defender-isolation/engine/langhost"}',
        ].join("\n");
        assert.deepEqual(testOutcome(stream), { passed: 2, failed: ["defender-isolation/engine/langhost.TestRunArguments"] });
    });

    it("without Go, fails with exit code 2 and says what it needs", () => {
        const saved = process.env.PATH;
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), "engine-check-"));
        process.env.PATH = empty;
        try {
            assert.throws(
                () => checkEngine(repoRoot),
                (e: unknown) => e instanceof EngineCheckError && e.exitCode === 2 && e.message === NO_GO_FOR_CHECK,
            );
        } finally {
            process.env.PATH = saved;
            fs.rmSync(empty, { recursive: true, force: true });
        }
        assert.match(NO_GO_FOR_CHECK, /Go 1\.26 or newer/);
    });
});
