// The package installed from Git, pinned to a commit, as the README says: npm runs its `prepare`
// build, and the real CLI's provider host loads it.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT, requirePulumiCli } from "../../testkit/cli/engine";
import { openStack, type E2eStack } from "../../testkit/cli/stack";
import { installMinimalProgram } from "../../testkit/cli/userProgram";

describe("e2e: the package installed from Git", function () {
    this.timeout(5 * 60_000);
    let s: E2eStack;
    let dir: string;
    let program: string;
    let commit: string;

    before(async function () {
        const cli = await requirePulumiCli(this);
        this.timeout(15 * 60_000);
        commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: REPO_ROOT, encoding: "utf8" }).trim();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-git-"));
        program = path.join(dir, "program");
        installMinimalProgram(program, `git+file://${REPO_ROOT}#${commit}`);
        s = await openStack({ cli, cwd: program, stack: "git", clientSecret: "git-install-suite-secret", prefix: "e2e-git-" });
    });
    after(async () => {
        await s?.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const installed = () => path.join(program, "node_modules", "pulumi-defender-isolation");

    it("has dist/ built by prepare, and the lock pins the commit", () => {
        for (const f of ["dist/provider/index.js", "dist/provider/lifecycle/index.js", "dist/provider/index.d.ts", "LICENSE"]) {
            assert.ok(fs.existsSync(path.join(installed(), f)), `${f} installed`);
        }
        const lock = JSON.parse(fs.readFileSync(path.join(program, "package-lock.json"), "utf8")) as { packages: Record<string, { resolved?: string }> };
        assert.match(lock.packages["node_modules/pulumi-defender-isolation"].resolved ?? "", new RegExp(`#${commit}$`));
    });

    it("runs under the real CLI: a preview checks and plans the isolation with the installed code", async () => {
        await s.config("isolationType", "Sideways");
        const bad = await s.run("preview");
        assert.notEqual(bad.code, 0);
        assert.match(bad.stdout, /property isolationType value \{Sideways\} has a problem/, "the installed check ran in the provider host");
        await s.config("isolationType", "Full");
        const ok = await s.ok("preview");
        assert.match(ok.stdout, /\+ 2 to create/);
    });
});
