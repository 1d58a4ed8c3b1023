// The native provider plugin through the real Pulumi CLI: examples/yaml (a `runtime: yaml` project
// whose Pulumi.yaml points `plugins.providers` at this package's plugin folder) run against the
// emulator, offline, with the exact API writes of every command; then `pulumi import` by MachineAction id.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_DEVICES } from "../../emulator";
import { NATIVE_DEVICE_ISOLATION_TYPE } from "../../provider/apps/plugin/schema";
import { REPO_ROOT, requirePulumiCli } from "../../testkit/cli/engine";
import { openStack, type E2eStack } from "../../testkit/cli/stack";
import { isolations } from "../../testkit/cli/workspace";

const device = DEFAULT_DEVICES.finLaptop;
const SECRET_COMMENT = "INC-4242 beacon, secret-comment-marker";
const CLIENT_SECRET = "native-yaml-suite-secret-value";

/** examples/yaml in a folder of its own, its plugin path made absolute (the example's is relative to the repository). */
function copyExample(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-native-yaml-program-"));
    const text = fs.readFileSync(path.join(REPO_ROOT, "examples", "yaml", "Pulumi.yaml"), "utf8");
    const pointed = text.replace("path: ../../plugin", `path: ${path.join(REPO_ROOT, "plugin")}`);
    assert.notEqual(pointed, text, "examples/yaml/Pulumi.yaml points at ../../plugin");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), pointed);
    return dir;
}

describe("e2e: the native provider plugin from Pulumi YAML, through the real Pulumi CLI", function () {
    this.timeout(5 * 60_000);
    let s: E2eStack;
    let program: string;

    before(async function () {
        const cli = await requirePulumiCli(this);
        if (!fs.existsSync(path.join(path.dirname(cli.command), "pulumi-language-yaml"))) {
            throw new Error(`the Pulumi CLI at ${cli.command} has no pulumi-language-yaml beside it: run npm run pulumi:install, which builds it there`);
        }
        this.timeout(15 * 60_000);
        program = copyExample();
        s = await openStack({ cli, cwd: program, stack: "native", clientSecret: CLIENT_SECRET, prefix: "e2e-native-yaml-" });
        await s.config("defender-isolation-yaml:machineId", device.id);
        await s.ws.ok(["config", "set", "--secret", ...s.flags.slice(0, -1), "defender-isolation-yaml:incidentComment"], {
            cwd: program,
            stdin: SECRET_COMMENT,
        });
        s.writes();
    });
    after(async () => {
        await s?.stop();
        if (program) fs.rmSync(program, { recursive: true, force: true });
    });

    const noSecretIn = (text: string) => {
        assert.ok(!text.includes(CLIENT_SECRET), "the client secret is printed");
        assert.ok(!text.includes(SECRET_COMMENT), "the secret comment is printed");
    };

    it("get-schema serves and validates the plugin's schema through the CLI", async () => {
        const r = await s.ws.ok(["package", "get-schema", path.join(REPO_ROOT, "plugin", "pulumi-resource-defender")], { cwd: program });
        const served = JSON.parse(r.stdout) as { name: string; resources: Record<string, unknown> };
        assert.deepEqual(served, JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8")));
        assert.ok(served.resources[NATIVE_DEVICE_ISOLATION_TYPE]);
    });

    it("preview plans the isolation and writes nothing", async () => {
        const r = await s.ok("preview");
        assert.match(r.stdout, /\+\s+defender:index:DeviceIsolation\s+fin-laptop\s+create/);
        assert.deepEqual(s.writes(), []);
        noSecretIn(r.stdout + r.stderr);
    });

    it("up isolates the device with one request; state holds the native type, the comment as a secret", async () => {
        const r = await s.ok("up", "--yes");
        assert.deepEqual(s.writes(), [`POST /api/machines/${device.id}/isolate`]);
        assert.equal(s.emulator.machine(device.id)?.isolation.isolated, true);
        const [res] = isolations(await s.exported());
        assert.equal(res.type, NATIVE_DEVICE_ISOLATION_TYPE);
        assert.equal(res.outputs?.status, "Succeeded");
        assert.equal(res.id, res.outputs?.machineActionId);
        const comment = res.outputs?.comment as Record<string, unknown>;
        assert.equal(typeof comment?.ciphertext, "string", "the comment is stored encrypted");
        const isolate = s.emulator.requests().find((q) => q.method === "POST" && q.path.endsWith("/isolate"));
        assert.equal(JSON.parse(isolate?.body ?? "{}").Comment, SECRET_COMMENT);
        noSecretIn(r.stdout + r.stderr);
    });

    it("up again and refresh change nothing and write nothing", async () => {
        const up = await s.ok("up", "--yes");
        assert.match(up.stdout, /2 unchanged/);
        const refresh = await s.ok("refresh", "--yes");
        assert.doesNotMatch(refresh.stdout, /deleted|updated/);
        assert.deepEqual(s.writes(), []);
    });

    it("destroy releases the device with one request", async () => {
        await s.ok("destroy", "--yes");
        assert.deepEqual(s.writes(), [`POST /api/machines/${device.id}/unisolate`]);
        assert.equal(s.emulator.machine(device.id)?.isolation.isolated, false);
        assert.equal(isolations(await s.exported()).length, 0);
    });

    describe("pulumi import by MachineAction id", () => {
        let analystAction: string;

        before(async () => {
            analystAction = s.emulator.isolateOutOfBand(device.id, { isolationType: "Full", requestor: "analyst@contoso.com", comment: "INC-2031 portal" })
                .action!.id;
            // The program declares the isolation as the analyst wrote it.
            await s.ws.ok(["config", "set", "--secret", ...s.flags.slice(0, -1), "defender-isolation-yaml:incidentComment"], {
                cwd: program,
                stdin: "INC-2031 portal",
            });
            s.writes();
        });

        it("import reads the isolation from its id alone: inputs and outputs in state, no write", async () => {
            await s.ok("import", NATIVE_DEVICE_ISOLATION_TYPE, "fin-laptop", analystAction, "--yes", "--generate-code=false");
            assert.deepEqual(s.writes(), []);
            const [res] = isolations(await s.exported());
            assert.equal(res.id, analystAction);
            assert.equal(res.inputs?.machineId, device.id);
            assert.equal(res.inputs?.comment, "INC-2031 portal");
            assert.equal(res.outputs?.requestor, "analyst@contoso.com");
        });

        it("the next up is a no-op", async () => {
            const r = await s.ok("up", "--yes");
            assert.match(r.stdout, /2 unchanged/);
            assert.deepEqual(s.writes(), []);
            assert.equal(s.emulator.machine(device.id)?.isolation.isolated, true);
        });
    });
});
