// A Pulumi YAML program through the real CLI: `npm run pulumi:install` builds Pulumi YAML's language host
// (engine/yaml) beside the CLI, and the engine runs a `runtime: yaml` project with it, offline, with a
// local file backend.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { pinnedYamlVersion } from "../../scripts/engine/pin";
import { REPO_ROOT, requirePulumiCli } from "../../testkit/cli/engine";
import { CliWorkspace } from "../../testkit/cli/workspace";

const PROGRAM = `name: yaml-hello
runtime: yaml
description: A Pulumi YAML program with no resource, only a stack output from config
config:
  greeting:
    type: string
    default: world
outputs:
  hello: \${greeting}
`;

describe("e2e: a Pulumi YAML program through the real Pulumi CLI", function () {
    this.timeout(3 * 60_000);
    let ws: CliWorkspace;
    let cwd: string;
    const run = (...args: string[]) => ws.ok([...args, "--stack", "dev", "--non-interactive"], { cwd });

    before(async function () {
        const cli = await requirePulumiCli(this);
        const host = path.join(path.dirname(cli.command), "pulumi-language-yaml");
        if (!fs.existsSync(host)) {
            throw new Error(
                `the Pulumi CLI at ${cli.command} (from ${cli.source}) has no pulumi-language-yaml beside it: ` +
                    "run npm run pulumi:install, which builds it there (or use an official CLI, which ships it)",
            );
        }
        ws = new CliWorkspace(cli, { prefix: "e2e-yaml-" });
        cwd = path.join(ws.dir, "program");
        fs.mkdirSync(cwd);
        fs.writeFileSync(path.join(cwd, "Pulumi.yaml"), PROGRAM);
        await ws.ok(["stack", "init", "dev", "--non-interactive"], { cwd });
    });
    after(() => ws?.remove());

    it("preview plans the stack and its output", async () => {
        const r = await run("preview");
        assert.match(r.stdout, /\+\s+pulumi:pulumi:Stack yaml-hello-dev create/);
        assert.match(r.stdout, /Outputs:\s+hello: "world"/);
    });

    it("up creates the stack, whose output is there", async () => {
        const r = await run("up", "--yes");
        assert.match(r.stdout, /\+ 1 created/);
        assert.deepEqual(JSON.parse((await run("stack", "output", "--json")).stdout), { hello: "world" });
    });

    it("a config change reaches the program: the next up changes the output", async () => {
        await run("config", "set", "greeting", "from config");
        await run("up", "--yes");
        assert.deepEqual(JSON.parse((await run("stack", "output", "--json")).stdout), { hello: "from config" });
    });

    it("the language host that ran is the pinned Pulumi YAML release", async () => {
        const about = JSON.parse((await run("about", "--json")).stdout) as { plugins?: { name: string; kind: string; version: string }[] };
        const yaml = about.plugins?.find((p) => p.kind === "language" && p.name === "yaml");
        assert.equal(yaml?.version, pinnedYamlVersion(REPO_ROOT).replace(/^v/, ""));
    });
});
