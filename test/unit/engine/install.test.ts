// What `npm run pulumi:install` does without Go, and the pins it reads, against a copy of engine/ (the
// real build runs in CI after npm ci, and in test/e2e when no CLI is found; test/e2e then uses it).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineInstallError, installEngine, NO_GO_MESSAGE } from "../../../scripts/engine/install";
import { pinnedVersion, pinnedYamlVersion } from "../../../scripts/engine/pin";
import { REPO_ROOT } from "../../../testkit/paths";

const repoRoot = REPO_ROOT;

describe("engine: npm run pulumi:install", () => {
    let tmp: string;
    let savedPath: string | undefined;
    beforeEach(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "engine-install-"));
        fs.cpSync(path.join(repoRoot, "engine"), path.join(tmp, "engine"), { recursive: true });
        savedPath = process.env.PATH;
    });
    afterEach(() => {
        process.env.PATH = savedPath;
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("without Go, fails with exit code 2 and names both ways to get a CLI, building nothing", async () => {
        process.env.PATH = path.join(tmp, "no-go-here");
        const out: string[] = [];
        const log = {
            write: (s: string) => {
                out.push(s);
                return true;
            },
        } as unknown as NodeJS.WritableStream;
        await assert.rejects(installEngine({ repoRoot: tmp, log }), (e: unknown) => {
            assert.ok(e instanceof EngineInstallError);
            assert.equal(e.exitCode, 2);
            assert.equal(e.message, NO_GO_MESSAGE);
            return true;
        });
        assert.match(NO_GO_MESSAGE, /Go 1\.26 or newer/);
        assert.match(NO_GO_MESSAGE, /official Pulumi CLI/);
        assert.ok(!fs.existsSync(path.join(tmp, ".state")), "nothing was written");
        assert.deepEqual(out, []);
    });

    it("reads the Pulumi YAML pin from engine/yaml/go.mod, built on the engine's own release", () => {
        assert.match(pinnedYamlVersion(tmp), /^v1\.\d+\.\d+$/);
        const goMod = fs.readFileSync(path.join(tmp, "engine", "yaml", "go.mod"), "utf8");
        assert.ok(goMod.includes(`github.com/pulumi/pulumi/pkg/v3 ${pinnedVersion(tmp)}`), "engine/yaml/go.mod names the engine's pkg/v3");
    });

    it("refuses a Pulumi YAML pin on another Pulumi release than the engine's, naming the fix", () => {
        const file = path.join(tmp, "engine", "yaml", "go.mod");
        const engine = pinnedVersion(tmp);
        fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(`github.com/pulumi/pulumi/sdk/v3 ${engine}`, "github.com/pulumi/pulumi/sdk/v3 v3.255.0"));
        assert.throws(
            () => pinnedYamlVersion(tmp),
            new RegExp(`sdk/v3 at v3\\.255\\.0, and the engine is ${engine.replace(/\./g, "\\.")}: run \`go get github\\.com/pulumi/pulumi/sdk/v3@`),
        );
    });
});
