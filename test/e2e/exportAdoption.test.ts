// Moving the isolations already in place into Git, through the real CLI: `defender-isolation export`
// writes an incident file, and `pulumi up` of the root GitOps project over it adopts every isolation:
// Defender receives no isolate, and the state holds the analysts' own actions.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_DEVICES, startEmulator, type RunningEmulator } from "../../emulator";
import { stackConfigCommands, stackFlags } from "../../scripts/demoSupport";
import { at, commandEnv, runCommand } from "../cli/support/command";
import { REPO_ROOT, requirePulumiCli } from "./support/engine";
import { CliWorkspace, isolations } from "./support/workspace";

describe("e2e: export, then pulumi up of the GitOps project adopts with no isolate", function () {
    this.timeout(5 * 60_000);
    let emulator: RunningEmulator;
    let ws: CliWorkspace;
    let stack: string;
    let configFile: string;
    let incidents: string;
    const analyst: Record<string, string> = {};

    before(async function () {
        const cli = await requirePulumiCli(this);
        this.timeout(15 * 60_000);
        emulator = await startEmulator({ tls: { dir: path.join(REPO_ROOT, ".state", "emulator-tls") }, actionDelays: { toInProgressMs: 200, toSucceededMs: 600 } });
        ws = new CliWorkspace(cli, { caCertPath: emulator.caCertPath, prefix: "e2e-export-" });
        stack = `export-${Date.now().toString(36)}`;
        configFile = path.join(ws.dir, `Pulumi.${stack}.yaml`);
        incidents = path.join(ws.dir, "incidents");
        fs.mkdirSync(incidents);
        await ws.ok(["stack", "init", stack, "--non-interactive"], { cwd: REPO_ROOT });
        for (const c of stackConfigCommands({ stack, configFile, emulatorUrl: emulator.url, credentials: { tenantId: "00000000-0000-0000-0000-000000000001", clientId: "7d3f4c2a-9b1e-4f6d-8a2c-5e0b1d9c3f47", clientSecret: "export-suite-secret" }, pollIntervalSeconds: 0.2 })) {
            await ws.ok(c.args, { cwd: REPO_ROOT, stdin: c.stdin });
        }
        await ws.ok(["config", "set", "--stack", stack, "--config-file", configFile, "incidentsDir", incidents], { cwd: REPO_ROOT });
        analyst.fin = emulator.isolateOutOfBand(DEFAULT_DEVICES.finLaptop.id, { isolationType: "Full", requestor: "analyst@contoso.com" }).action!.id;
        analyst.mac = emulator.isolateOutOfBand(DEFAULT_DEVICES.macLaptop.id, { isolationType: "Selective", requestor: "analyst@contoso.com" }).action!.id;
    });
    after(async () => {
        await ws?.run(["stack", "rm", "--yes", "--force", "--stack", stack, "--non-interactive"], { cwd: REPO_ROOT });
        ws?.remove();
        await emulator?.stop();
    });

    it("export writes the incident file; up adopts both isolations; Defender gets no write; a second up changes nothing", async () => {
        const out = path.join(incidents, "inc-3000.yaml");
        const exported = await runCommand(["export", "--incident", "INC-3000", "--title", "Isolations in place", "--out", out, ...at(emulator)], commandEnv(emulator));
        assert.equal(exported.code, 0, exported.stderr);
        emulator.clearRequests();

        const up = await ws.ok(["up", "--yes", ...stackFlags(stack, configFile)], { cwd: REPO_ROOT });
        assert.match(up.stdout, /\+ 3 created/);
        const writes = emulator.requests().filter((r) => r.method === "POST" && r.path.startsWith("/api/"));
        assert.deepEqual(writes.map((r) => r.path), [], "no isolate, release or cancel");
        const state = isolations(await ws.exportStack(stack, REPO_ROOT));
        assert.deepEqual(state.map((r) => r.id).sort(), [analyst.fin, analyst.mac].sort());
        assert.deepEqual(state.map((r) => r.outputs?.requestor), ["analyst@contoso.com", "analyst@contoso.com"]);

        const again = await ws.ok(["up", "--yes", ...stackFlags(stack, configFile)], { cwd: REPO_ROOT });
        assert.match(again.stdout, /3 unchanged/);
        assert.equal(emulator.requests().filter((r) => r.method === "POST" && r.path.startsWith("/api/")).length, 0);
    });
});
