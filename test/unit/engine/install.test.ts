// What `npm run pulumi:install` does without Go, against a copy of engine/ (the real build runs in CI's
// first step and in test/e2e, which then uses what it built).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineInstallError, installEngine, NO_GO_MESSAGE } from "../../../scripts/engine/install";
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
});
