// Moving the isolations already in place into Git, through the real CLI: `defender-isolation export`
// writes an incident file, and `pulumi up` of the root GitOps project over it adopts every isolation:
// Defender receives no isolate, and the state holds the analysts' own actions.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_DEVICES } from "../../emulator";
import { at, commandEnv, runCommand } from "../../testkit/cli/command";
import { REPO_ROOT, requirePulumiCli } from "../../testkit/cli/engine";
import { openStack, type E2eStack } from "../../testkit/cli/stack";
import { isolations } from "../../testkit/cli/workspace";

describe("e2e: export, then pulumi up of the GitOps project adopts with no isolate", function () {
    this.timeout(5 * 60_000);
    let s: E2eStack;
    let incidents: string;
    const analyst: Record<string, string> = {};

    before(async function () {
        const cli = await requirePulumiCli(this);
        this.timeout(15 * 60_000);
        const stack = `export-${Date.now().toString(36)}`;
        const configDir = fs.mkdtempSync(path.join(REPO_ROOT, ".state", "e2e-export-"));
        s = await openStack({
            cli,
            cwd: REPO_ROOT,
            stack,
            configFile: path.join(configDir, `Pulumi.${stack}.yaml`),
            clientSecret: "export-suite-secret",
            prefix: "e2e-export-",
        });
        incidents = path.join(s.ws.dir, "incidents");
        fs.mkdirSync(incidents);
        await s.config("incidentsDir", incidents);
        analyst.fin = s.emulator.isolateOutOfBand(DEFAULT_DEVICES.finLaptop.id, { isolationType: "Full", requestor: "analyst@contoso.com" }).action!.id;
        analyst.mac = s.emulator.isolateOutOfBand(DEFAULT_DEVICES.macLaptop.id, { isolationType: "Selective", requestor: "analyst@contoso.com" }).action!.id;
        s.writes();
    });
    after(async () => {
        await s?.stop();
    });

    it("export writes the incident file; up adopts both isolations; Defender gets no write; a second up changes nothing", async () => {
        const out = path.join(incidents, "inc-3000.yaml");
        const exported = await runCommand(
            ["export", "--incident", "INC-3000", "--title", "Isolations in place", "--out", out, ...at(s.emulator)],
            commandEnv(s.emulator),
        );
        assert.equal(exported.code, 0, exported.stderr);
        s.writes();

        const up = await s.ok("up", "--yes");
        assert.match(up.stdout, /\+ 3 created/);
        assert.deepEqual(s.writes(), [], "no isolate, release or cancel");
        const state = isolations(await s.exported());
        assert.deepEqual(state.map((r) => r.id).sort(), [analyst.fin, analyst.mac].sort());
        assert.deepEqual(
            state.map((r) => r.outputs?.requestor),
            ["analyst@contoso.com", "analyst@contoso.com"],
        );

        const again = await s.ok("up", "--yes");
        assert.match(again.stdout, /3 unchanged/);
        assert.deepEqual(s.writes(), []);
    });
});
