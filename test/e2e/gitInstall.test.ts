// The package installed from Git, pinned to a commit, as the README says: npm runs its `prepare`
// build, and the real CLI's provider host loads it.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { stackConfigCommands } from "../../scripts/demoSupport";
import { REPO_ROOT, requirePulumiCli } from "./support/engine";
import { installMinimalProgram } from "./support/userProgram";
import { CliWorkspace } from "./support/workspace";

describe("e2e: the package installed from Git", function () {
    this.timeout(5 * 60_000);
    let emulator: RunningEmulator;
    let ws: CliWorkspace;
    let program: string;
    let commit: string;

    before(async function () {
        const cli = await requirePulumiCli(this);
        this.timeout(15 * 60_000);
        emulator = await startEmulator({ tls: { dir: path.join(REPO_ROOT, ".state", "emulator-tls") } });
        ws = new CliWorkspace(cli, { caCertPath: emulator.caCertPath, prefix: "e2e-git-" });
        commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: REPO_ROOT, encoding: "utf8" }).trim();
        program = path.join(ws.dir, "program");
        installMinimalProgram(program, `git+file://${REPO_ROOT}#${commit}`);
    });
    after(async () => {
        ws?.remove();
        await emulator?.stop();
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
        await ws.ok(["stack", "init", "git", "--non-interactive"], { cwd: program });
        for (const c of stackConfigCommands({ stack: "git", configFile: path.join(program, "Pulumi.git.yaml"), emulatorUrl: emulator.url, credentials: { tenantId: "00000000-0000-0000-0000-000000000001", clientId: "7d3f4c2a-9b1e-4f6d-8a2c-5e0b1d9c3f47", clientSecret: "git-install-suite-secret" }, pollIntervalSeconds: 0.2 })) {
            await ws.ok(c.args, { cwd: program, stdin: c.stdin });
        }
        await ws.ok(["config", "set", "--stack", "git", "isolationType", "Sideways"], { cwd: program });
        const bad = await ws.run(["preview", "--stack", "git", "--non-interactive"], { cwd: program });
        assert.notEqual(bad.code, 0);
        assert.match(bad.stdout, /isolationType/, "the installed check ran in the provider host");
        await ws.ok(["config", "set", "--stack", "git", "isolationType", "Full"], { cwd: program });
        const ok = await ws.ok(["preview", "--stack", "git", "--non-interactive"], { cwd: program });
        assert.match(ok.stdout, /\+ 2 to create/);
    });
});
