// The guardrails against the pull request itself, through the real CLI: what a hostile insider's pull
// request can change (the type token, an added resource, the provider text, an incident file) and what
// stops it. Each attack previews red with the policy's name and Defender receives no write; `pulumi up`
// with the pack, run as pulumi/actions runs it (--skip-preview), sends no write either. A control run
// without the pack shows each attack is real: it isolates a protected device.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_DEVICES } from "../../emulator";
import { REPO_ROOT, requirePulumiCli } from "../../testkit/cli/engine";
import { attackProject, type Attack } from "../../testkit/cli/attackPrograms";
import { preparePolicyPack } from "../../testkit/cli/policyPack";
import { violations, type Violation } from "../../testkit/cli/policyViolations";
import { rootProjectStack, TEST_CREDENTIALS, writes, type RootStack } from "../../testkit/cli/rootProject";
import { isolations, type CliRun } from "../../testkit/cli/workspace";

const PROTECTED = DEFAULT_DEVICES.finLaptop; // listed in the pack's config: must never be isolated
const OTHER = DEFAULT_DEVICES.hrLaptop;

/** An incident file whose device is the protected one: what a pull request adds beside its code change. */
const VIOLATING = `incident: INC-4001\ntitle: Beacon on a finance laptop\nisolate:\n  - machineId: ${PROTECTED.id}\n`;
const COMPLIANT = `incident: INC-4002\ntitle: Beacon on an HR laptop\nisolate:\n  - machineId: ${OTHER.id}\n    isolationType: Selective\n`;
/** The same, by name: the program looks the device up in Defender, which a read-only identity may. */
const COMPLIANT_BY_NAME = `incident: INC-4002\ntitle: Beacon on an HR laptop\nisolate:\n  - computerDnsName: ${OTHER.computerDnsName}\n    isolationType: Selective\n`;

describe("e2e: guardrails a pull request cannot switch off (attacks through the real CLI)", function () {
    this.timeout(10 * 60_000);
    let root: RootStack;
    let packConfig: string;

    before(async function () {
        const cli = await requirePulumiCli(this);
        this.timeout(15 * 60_000);
        preparePolicyPack();
        root = await rootProjectStack(cli, { prefix: "e2e-trust-", clientSecret: "trust-suite-secret" });
        packConfig = path.join(root.ws.dir, "pack-config.json");
        fs.writeFileSync(packConfig, JSON.stringify({ "protected-devices": { machineIds: [PROTECTED.id] } }));
    });
    after(async () => {
        await root?.run(["stack", "rm", "--yes", "--force"], { cwd: REPO_ROOT });
        await root?.stop();
    });

    const show = (r: CliRun) => `--- ${r.command}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
    const incidents = (files: Record<string, string>) => {
        for (const f of fs.readdirSync(root.incidentsDir)) fs.rmSync(path.join(root.incidentsDir, f));
        for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(root.incidentsDir, name), text);
    };
    /** A command from `cwd` (the attack's project, or the repository), with or without the pack; the Defender writes it caused. */
    const run = async (args: string[], o: { cwd?: string; pack?: boolean } = {}) => {
        root.emulator.clearRequests();
        const pack = o.pack === false ? [] : ["--policy-pack", "policy", "--policy-pack-config", packConfig];
        // The pack path is relative to the repository, as the workflow passes it.
        const packArgs = pack.map((a) => (a === "policy" ? path.join(REPO_ROOT, "policy") : a));
        const r = await root.run([...args, ...packArgs], { cwd: o.cwd ?? REPO_ROOT });
        return { r, v: violations(r), writes: writes(root.emulator.requests()) };
    };
    const names = (v: Violation[]) => [...new Set(v.filter((x) => x.level === "mandatory").map((x) => x.policy))].sort();
    const stateIsolations = async () => isolations(await root.exportStack()).length;
    /** Defender back to its start (fleet, actions, roles), and the stack's resources forgotten. */
    const reset = async () => {
        root.emulator.reset();
        await root.ws.ok(["stack", "export", "--stack", root.stack, "--file", path.join(root.ws.dir, "s.json")], { cwd: REPO_ROOT });
        const s = JSON.parse(fs.readFileSync(path.join(root.ws.dir, "s.json"), "utf8")) as { deployment: { resources?: unknown[] } };
        s.deployment.resources = [];
        fs.writeFileSync(path.join(root.ws.dir, "s.json"), JSON.stringify(s));
        await root.ws.ok(["stack", "import", "--stack", root.stack, "--file", path.join(root.ws.dir, "s.json")], { cwd: REPO_ROOT });
    };
    afterEach(reset);

    /**
     * What stops each attack: the mandatory policies the preview names, or the pack's remediation
     * (isolation-provider-text), which the engine runs first and which stops the resource on its own.
     * `baseline`: the incident files were merged before, so the stack already holds their isolations and
     * the pull request changes code only.
     */
    const attacks: { attack: Attack; what: string; policies: string[] | "remediation"; files: Record<string, string>; baseline?: boolean }[] = [
        {
            attack: "renamedType",
            what: "the DeviceIsolation type token renamed (one line of provider/resource/deviceIsolation.ts) and a protected device in an incident file",
            policies: ["allowed-resource-types", "protected-devices"],
            files: { "inc-4001.yaml": VIOLATING },
        },
        {
            attack: "addedResource",
            what: "a resource of another type added by the program (a hand-written dynamic resource that isolates the protected device), the incident files unchanged",
            policies: "remediation",
            files: { "inc-4002.yaml": COMPLIANT },
            baseline: true,
        },
        {
            attack: "replacedProviderText",
            what: "the provider text replaced by code that isolates on its own, behind a compliant incident file",
            policies: "remediation",
            files: { "inc-4002.yaml": COMPLIANT },
        },
    ];

    for (const a of attacks) {
        describe(`${a.attack}: ${a.what}`, () => {
            const held = a.baseline ? 1 : 0;
            beforeEach(async () => {
                incidents(a.files);
                if (a.baseline) {
                    const { r } = await run(["up", "--yes", "--skip-preview"]);
                    assert.equal(r.code, 0, show(r));
                    assert.equal(await stateIsolations(), held);
                }
            });

            it("without the pack, `pulumi up` isolates the device: the attack is real", async () => {
                const { r, writes: sent } = await run(["up", "--yes", "--skip-preview"], { cwd: attackProject(a.attack, PROTECTED.id), pack: false });
                assert.equal(r.code, 0, show(r));
                assert.ok(
                    sent.some((w) => w.route === "isolate"),
                    `${show(r)}\nwrites: ${JSON.stringify(sent)}`,
                );
            });

            it("the preview with the pack fails, naming the policy; Defender receives no write", async () => {
                const { r, v, writes: sent } = await run(["preview"], { cwd: attackProject(a.attack, PROTECTED.id) });
                assert.notEqual(r.code, 0, show(r));
                if (a.policies === "remediation") {
                    // CrossGuard shows __provider only to remediations: the pack's stops the deployment with its name.
                    assert.match(
                        r.stdout + r.stderr,
                        /remediation 'isolation-provider-text' from policy pack 'defender-isolation-guardrails@v0\.1\.0'/,
                        show(r),
                    );
                    assert.match(r.stdout + r.stderr, /carries a provider text of \d+ characters starting .*, not this package's loader/, show(r));
                } else {
                    assert.deepEqual(names(v), a.policies, show(r));
                }
                assert.deepEqual(sent, []);
            });

            it("`pulumi up` with the pack, as pulumi/actions runs it (--skip-preview), sends no write and records nothing", async () => {
                const { r, writes: sent } = await run(["up", "--yes", "--skip-preview"], { cwd: attackProject(a.attack, PROTECTED.id) });
                assert.notEqual(r.code, 0, show(r));
                assert.deepEqual(sent, [], show(r));
                assert.equal(root.emulator.machine(PROTECTED.id)?.isolation.isolated, false);
                assert.equal(await stateIsolations(), held, "nothing new in the state");
            });
        });
    }

    describe("a read-only identity (Machine.Read.All, no Machine.Isolate), as a pull request's preview runs", () => {
        const READ_ONLY = ["Machine.Read.All", "Alert.Read.All", "Incident.Read.All"];
        // After each test, reset() puts Defender's roles back to the default.
        beforeEach(() => root.emulator.configure({ appRoles: { byClientId: { [TEST_CREDENTIALS.clientId]: READ_ONLY } } }));

        /** Every file of the state backend with its size and modification time: what a write would change. */
        const backendFiles = (dir = root.ws.backendDir): string[] =>
            fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
                const p = path.join(dir, e.name);
                if (e.isDirectory()) return backendFiles(p);
                const st = fs.statSync(p);
                return [`${path.relative(root.ws.backendDir, p)} ${st.size} ${st.mtimeMs}`];
            });

        it("previews green with the pack, reading Defender, and writes nothing: not to Defender, not to the state backend", async () => {
            incidents({ "inc-4002.yaml": COMPLIANT_BY_NAME });
            const before = backendFiles();
            const { r, v, writes: sent } = await run(["preview"]);
            assert.equal(r.code, 0, show(r));
            assert.deepEqual(names(v), [], show(r));
            assert.match(r.stdout, /\+ +pulumi-nodejs:dynamic\/defender:DeviceIsolation +isolate-/, show(r));
            assert.deepEqual(sent, []);
            assert.ok(
                root.emulator.requests().some((e) => e.method === "GET" && e.path.startsWith("/api/machines")),
                "the preview read Defender",
            );
            // Read-only state access is enough for a preview: it changed no file of the backend.
            assert.deepEqual(backendFiles(), before);
        });

        it("`pulumi up` fails before any write, naming the missing permission; nothing is recorded", async () => {
            incidents({ "inc-4002.yaml": COMPLIANT });
            const { r, writes: sent } = await run(["up", "--yes", "--skip-preview"]);
            assert.notEqual(r.code, 0, show(r));
            assert.match(r.stdout + r.stderr, /holds Machine\.Read\.All, Alert\.Read\.All, Incident\.Read\.All but not Machine\.Isolate/, show(r));
            assert.match(r.stdout + r.stderr, /Nothing was sent to Defender/, show(r));
            assert.deepEqual(sent, []);
            assert.ok(!root.emulator.requests().some((e) => e.method === "POST" && e.path.startsWith("/api/")), "not even a refused POST");
            assert.equal(root.emulator.machine(OTHER.id)?.isolation.isolated, false);
            assert.equal(await stateIsolations(), 0);
        });
    });

    it("a violating incident file alone (the program unchanged): previews red with protected-devices, no write", async () => {
        incidents({ "inc-4001.yaml": VIOLATING });
        const { r, v, writes: sent } = await run(["preview"]);
        assert.notEqual(r.code, 0, show(r));
        assert.deepEqual(names(v), ["protected-devices"], show(r));
        assert.deepEqual(sent, []);
    });

    it("the unchanged program with a compliant incident file passes every new policy", async () => {
        incidents({ "inc-4002.yaml": COMPLIANT });
        const { r, v, writes: sent } = await run(["preview"]);
        assert.equal(r.code, 0, show(r));
        assert.deepEqual(names(v), [], show(r));
        assert.deepEqual(sent, []);
    });
});
