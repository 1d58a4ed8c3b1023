// Which Node.js the real CLI runs things on: the language host's program and the dynamic provider host
// both run on the Node.js that runs these suites (CI runs them on each supported major: .ci/run), never
// on another `node` PATH happens to hold.
import { strict as assert } from "assert";
import { requirePulumiCli } from "../../testkit/cli/engine";
import { programBesideShared } from "../../testkit/cli/userProgram";
import { CliWorkspace } from "../../testkit/cli/workspace";

describe(`e2e: the program and the provider host run on this Node.js (${process.version})`, function () {
    this.timeout(5 * 60_000);
    let ws: CliWorkspace;
    let outputs: { program: string; providerHost: string };

    before(async function () {
        const cli = await requirePulumiCli(this);
        this.timeout(15 * 60_000);
        const dir = programBesideShared("node-runtime", "defender-isolation-node-runtime", [
            'const pulumi = require("@pulumi/pulumi");',
            "// Runs in the provider host: its outputs say which Node.js that is.",
            "const provider = { async create() { return { id: process.version, outs: { node: process.version } }; } };",
            'const probe = new pulumi.dynamic.Resource(provider, "provider-host", { node: undefined });',
            "exports.program = process.version;",
            "exports.providerHost = probe.node;",
        ]);
        ws = new CliWorkspace(cli, { prefix: "e2e-node-" });
        await ws.ok(["stack", "init", "node", "--non-interactive"], { cwd: dir });
        await ws.ok(["up", "--yes", "--skip-preview", "--stack", "node", "--non-interactive"], { cwd: dir });
        outputs = JSON.parse((await ws.ok(["stack", "output", "--json", "--stack", "node", "--non-interactive"], { cwd: dir })).stdout) as typeof outputs;
        await ws.ok(["destroy", "--yes", "--skip-preview", "--stack", "node", "--non-interactive"], { cwd: dir });
    });
    after(() => ws?.remove());

    it("the language host runs the program on it", () => {
        assert.equal(outputs.program, process.version);
    });

    it("the dynamic provider host runs on it", () => {
        assert.equal(outputs.providerHost, process.version);
    });
});
