// defender:clientSecret set with `pulumi config set --secret`, through the real CLI: ciphertext in the
// stack's files, sent only to the token endpoint, and in no CLI output, provider log line or error.
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_DEVICES } from "../../emulator";
import { REPO_ROOT, requirePulumiCli } from "../../testkit/cli/engine";
import { rootProjectStack, TEST_CREDENTIALS, writes, type RootStack } from "../../testkit/cli/rootProject";
import { isolations, type CliRun } from "../../testkit/cli/workspace";
import { pulumiActionSteps, type PulumiActionStep } from "../../testkit/cli/pulumiActionSteps";
import { preparePolicyPack } from "../../testkit/cli/policyPack";

/** base64 with + / and =, so its URL-encoded form (as a token request sends it) differs from it. */
const secretValue = () => `${randomBytes(17).toString("base64")}+/=`;
const SECRET = secretValue();
const WRONG = secretValue();
const ROTATED = secretValue();
const FIN = DEFAULT_DEVICES.finLaptop;
const HR = DEFAULT_DEVICES.hrLaptop;

/** Every form a secret could leak in: as is, URL-encoded (form bodies), base64, JSON-escaped. */
const forms = (s: string) => [
    s,
    encodeURIComponent(s),
    encodeURIComponent(s).replace(/%20/g, "+"),
    Buffer.from(s).toString("base64"),
    JSON.stringify(s).slice(1, -1),
];
function assertNoSecret(text: string, where: string, secrets: string[] = [SECRET, WRONG, ROTATED]): void {
    for (const s of secrets) for (const f of forms(s)) assert.ok(!text.includes(f), `${where} holds a client secret (${f === s ? "as is" : "encoded"})`);
}
const out = (r: CliRun) => `${r.command}\n${r.stdout}\n${r.stderr}`;

/** Every file under a folder, concatenated (state, backups, logs, config). */
function allFiles(dir: string): { file: string; text: string }[] {
    return fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => {
            const file = path.join(e.parentPath, e.name);
            return { file, text: fs.readFileSync(file).toString("latin1") };
        });
}

describe("e2e: the client secret through the real CLI", function () {
    this.timeout(5 * 60_000);
    let root: RootStack;
    let up: PulumiActionStep;
    const runs: CliRun[] = [];
    /** A pulumi command, or the workflow's up step with its environment. */
    const run = async (args: string[] | PulumiActionStep) => {
        const r = Array.isArray(args) ? await root.run(args) : await root.run(args.args, { env: args.env });
        runs.push(r);
        return r;
    };

    before(async function () {
        const pulumi = await requirePulumiCli(this);
        this.timeout(2 * 60_000);
        up = pulumiActionSteps(fs.readFileSync(path.join(REPO_ROOT, "examples", "github-actions", "incidents.yml"), "utf8"), {
            github: { event_name: "schedule", sha: "0".repeat(40) },
            vars: { PULUMI_ORG: "contoso" },
            secrets: {},
        }).find((s) => s.job === "up" && s.command === "up")!;
        preparePolicyPack(); // the workflow's up runs the policy pack
        // Only this application and secret get tokens: a wrong secret is refused as Entra refuses it.
        root = await rootProjectStack(pulumi, {
            prefix: "e2e-secret-",
            clientSecret: SECRET,
            emulator: { clients: [{ ...TEST_CREDENTIALS, clientSecret: SECRET }] },
        });
        fs.writeFileSync(path.join(root.incidentsDir, "inc-7001.yaml"), `incident: INC-7001\ntitle: Secret handling\nisolate:\n  - machineId: ${FIN.id}\n`);
    });
    after(async () => {
        await root?.stop();
    });

    it("is stored as ciphertext in the stack's config file, and `pulumi config` shows [secret]", async () => {
        const config = fs.readFileSync(root.configFile, "utf8");
        assert.match(config, /defender:clientSecret:\n\s+secure: v1:\S+/);
        assertNoSecret(config, "the stack config file");
        const shown = await run(["config"]);
        assert.equal(shown.code, 0, out(shown));
        assert.match(shown.stdout, /defender:clientSecret\s+\[secret\]/);
    });

    it("up works with it, and the exported state holds it only as ciphertext", async () => {
        const r = await run(up);
        assert.equal(r.code, 0, out(r));
        assert.deepEqual(
            writes(root.emulator.requests()).map((w) => `${w.route} ${w.machineId}`),
            [`isolate ${FIN.id}`],
        );
        const text = (await root.ws.ok(["stack", "export", "--stack", root.stack], { cwd: REPO_ROOT })).stdout;
        assertNoSecret(text, "pulumi stack export");
        const state = JSON.parse(text) as {
            deployment: { resources: { type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[] };
        };
        const held = state.deployment.resources
            .flatMap((res) => [res.inputs, res.outputs])
            .filter((v) => v && "defender:clientSecret" in v)
            .map((v) => v!["defender:clientSecret"]);
        assert.ok(held.length > 0, "the engine keeps the provider's config (the secret included) in state");
        for (const v of held) {
            assert.equal(typeof v, "object");
            assert.match(String((v as { ciphertext?: string }).ciphertext), /^v1:/);
            assert.ok("4dabf18193072939515e22adb298388d" in (v as object), "marked with Pulumi's secret signature");
        }
        assert.equal(isolations(JSON.parse(text)).length, 1);
    });

    it("goes to the token endpoint only: no other request carries it", () => {
        const log = root.emulator.requests();
        const token = log.filter((e) => e.route === "token");
        assert.ok(token.length >= 1 && token.every((e) => e.body.includes(encodeURIComponent(SECRET))), "token requests carry it (form-encoded)");
        for (const e of log.filter((x) => x.route !== "token"))
            assertNoSecret(`${e.url}\n${e.rawHeaders.join("\n")}\n${e.body}`, `${e.method} ${e.path}`, [SECRET]);
    });

    it("appears in no provider log line, even with the engine's most verbose logs flowing to the provider", async () => {
        const r = await run(["preview", "--logflow", "-v=9", "--logtostderr"]);
        assert.equal(r.code, 0, out(r));
        assert.match(r.stderr, /dynamic-provider|pulumi-nodejs/, "the verbose log is there to scan");
        assertNoSecret(r.stdout + r.stderr, "the verbose log");
    });

    it("a wrong secret: the refresh fails with Entra's error and the fix, naming neither secret; nothing written, state kept; the corrected one works at once", async () => {
        const before = await root.exportStack();
        await root.ok(["config", "set", "--secret", "defender:clientSecret"], { stdin: WRONG });
        fs.writeFileSync(path.join(root.incidentsDir, "inc-7002.yaml"), `incident: INC-7002\ntitle: Would isolate\nisolate:\n  - machineId: ${HR.id}\n`);
        root.emulator.clearRequests();
        const r = await run(up);
        assert.notEqual(r.code, 0, out(r));
        assert.match(r.stdout, /invalid_client|AADSTS7000215/);
        assert.match(r.stdout, /defender:clientSecret/, "the message names the setting to fix");
        const log = root.emulator.requests();
        assert.ok(
            log.some((e) => e.route === "token" && e.status === 401),
            "Entra refused the secret",
        );
        assert.deepEqual(writes(log), []);
        assert.deepEqual(isolations(await root.exportStack()), isolations(before));
        await root.ok(["config", "set", "--secret", "defender:clientSecret"], { stdin: SECRET });
        fs.rmSync(path.join(root.incidentsDir, "inc-7002.yaml"));
        const again = await run(up);
        assert.equal(again.code, 0, `the corrected secret is used at once\n${out(again)}`);
    });

    it("a rotation (the old secret revoked, the new one set with --secret): the workflow's next up uses the new one, in its refresh too", async () => {
        root.emulator.configure({ clients: [{ ...TEST_CREDENTIALS, clientSecret: ROTATED }] });
        await root.ok(["config", "set", "--secret", "defender:clientSecret"], { stdin: ROTATED });
        root.emulator.clearRequests();
        const r = await run(up);
        assert.equal(
            r.code,
            0,
            `the engine refreshes with the provider settings it recorded in state unless the program runs first (PULUMI_RUN_PROGRAM)\n${out(r)}`,
        );
        const token = root.emulator.requests().filter((e) => e.route === "token");
        assert.ok(
            token.length >= 1 && token.every((e) => e.status === 200 && e.body.includes(encodeURIComponent(ROTATED))),
            "every token request used the new secret",
        );
        assert.deepEqual(writes(root.emulator.requests()), []);
        assertNoSecret(JSON.stringify(await root.exportStack()), "the state after the rotation");
        fs.writeFileSync(path.join(root.incidentsDir, "inc-7002.yaml"), `incident: INC-7002\ntitle: Would isolate\nisolate:\n  - machineId: ${HR.id}\n`);
    });

    it("an API error during create names the device and the fix, without the secret or the token", async () => {
        root.emulator.injectFault({
            route: "isolate",
            kind: "status",
            status: 403,
            code: "Forbidden",
            message: "Missing application roles. API required roles: Machine.Isolate",
        });
        root.emulator.clearRequests();
        const r = await run(up);
        assert.notEqual(r.code, 0, out(r));
        assert.match(r.stdout, /Forbidden/);
        assert.match(r.stdout, new RegExp(`isolate-${HR.id}`));
        const tokens = root.emulator
            .requests()
            .map((e) => /^Bearer (\S+)$/.exec(e.headers.authorization ?? "")?.[1])
            .filter((t): t is string => t !== undefined);
        assert.ok(tokens.length > 0);
        assertNoSecret(out(r), "the error", [SECRET, WRONG, ROTATED, ...new Set(tokens)]);
        fs.rmSync(path.join(root.incidentsDir, "inc-7002.yaml"));
    });

    it("is in no CLI output of this suite, and in no file the CLI wrote (state, backups, logs, PULUMI_HOME)", () => {
        assert.ok(runs.length >= 6);
        for (const r of runs) assertNoSecret(out(r), r.command);
        const files = allFiles(root.ws.dir);
        assert.ok(files.some((f) => f.file.includes(`${path.sep}logs${path.sep}`)) || files.length > 3, "the CLI wrote files to scan");
        for (const f of files) assertNoSecret(f.text, f.file);
    });
});
