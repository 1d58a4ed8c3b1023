// The guardrails policy pack through the real CLI, on the root GitOps project: `pulumi preview
// --policy-pack policy` as the README says. Each mandatory policy broken fails the preview with the
// policy's name and message, and Defender receives no write; advisory ones warn and let it through;
// the pack's config file changes thresholds and enforcement levels; `pulumi up` stops before any
// isolation when its preview breaks a mandatory policy.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_DEVICES, startEmulator, type RunningEmulator } from "../../emulator";
import { stackConfigCommands, stackFlags } from "../../scripts/engine/localStack";
import { REPO_ROOT, requirePulumiCli } from "../../testkit/cli/engine";
import { preparePolicyPack } from "../../testkit/cli/policyPack";
import { CliWorkspace, isolations, type CliRun } from "../../testkit/cli/workspace";

const PACK = "defender-isolation-guardrails@v0.1.0";
const RESOURCE = "pulumi-nodejs:dynamic/defender:DeviceIsolation";

/** An incident file: id, then devices as `name` (Full) or `name:Selective`. */
function incident(id: string, ...devices: string[]): string {
    return (
        [
            `incident: ${id}`,
            `title: ${id} in the e2e suite`,
            "isolate:",
            ...devices.flatMap((d) => {
                const [name, type] = d.split(":");
                return [`  - ${/^[0-9a-f]{40}$/.test(name) ? "machineId" : "computerDnsName"}: ${name}`, ...(type ? [`    isolationType: ${type}`] : [])];
            }),
        ].join("\n") + "\n"
    );
}

/** The policy lines of a run: `[level] policy (type: resource)` then the description and the message. */
interface Violation {
    level: string;
    policy: string;
    resource: string;
    message: string;
}
function violations(r: CliRun): Violation[] {
    const out: Violation[] = [];
    const re = /^\s+- \[(\w+)\]\s+(\S+)\s+\(([^)]*)\)\n\s+.*\n\s+(.*)$/gm;
    for (let m = re.exec(r.stdout); m; m = re.exec(r.stdout)) out.push({ level: m[1], policy: m[2], resource: m[3], message: m[4] });
    return out;
}

const MAC = DEFAULT_DEVICES.macLaptop.computerDnsName;
const FIN = DEFAULT_DEVICES.finLaptop2.computerDnsName;
const HR = DEFAULT_DEVICES.hrLaptop.computerDnsName;
const SQL = DEFAULT_DEVICES.sqlServer.computerDnsName;

describe("e2e: the guardrails policy pack on the GitOps project", function () {
    this.timeout(5 * 60_000);
    let emulator: RunningEmulator;
    let ws: CliWorkspace;
    let stack: string;
    let configFile: string;
    let case_ = 0;

    before(async function () {
        const cli = await requirePulumiCli(this);
        this.timeout(15 * 60_000);
        preparePolicyPack();
        emulator = await startEmulator({
            tls: { dir: path.join(REPO_ROOT, ".state", "emulator-tls") },
            actionDelays: { toInProgressMs: 100, toSucceededMs: 300 },
        });
        ws = new CliWorkspace(cli, { caCertPath: emulator.caCertPath, prefix: "e2e-policy-" });
        stack = `policy-${Date.now().toString(36)}`;
        configFile = path.join(ws.dir, `Pulumi.${stack}.yaml`);
        await ws.ok(["stack", "init", stack, "--non-interactive"], { cwd: REPO_ROOT });
        for (const c of stackConfigCommands({
            stack,
            configFile,
            emulatorUrl: emulator.url,
            credentials: {
                tenantId: "00000000-0000-0000-0000-000000000001",
                clientId: "7d3f4c2a-9b1e-4f6d-8a2c-5e0b1d9c3f47",
                clientSecret: "policy-suite-secret",
            },
            pollIntervalSeconds: 0.2,
        })) {
            await ws.ok(c.args, { cwd: REPO_ROOT, stdin: c.stdin });
        }
    });
    after(async () => {
        await ws?.run(["stack", "rm", "--yes", "--force", "--stack", stack, "--non-interactive"], { cwd: REPO_ROOT });
        ws?.remove();
        await emulator?.stop();
    });

    const config = (...args: string[]) => ws.ok(["config", ...args, "--stack", stack, "--config-file", configFile], { cwd: REPO_ROOT });

    /**
     * Runs `pulumi <command> --policy-pack policy` over a fresh incident folder holding `files`, with
     * `packConfig` as the pack's --policy-pack-config file; returns the run and Defender's writes.
     */
    async function withPack(command: string[], files: Record<string, string>, packConfig?: object): Promise<{ r: CliRun; v: Violation[]; writes: string[] }> {
        const dir = path.join(ws.dir, `incidents-${++case_}`);
        fs.mkdirSync(dir);
        for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
        await config("set", "incidentsDir", dir);
        const args = [...command, "--policy-pack", "policy"];
        if (packConfig) {
            const file = path.join(ws.dir, `policy-config-${case_}.json`);
            fs.writeFileSync(file, JSON.stringify(packConfig, null, 2));
            args.push("--policy-pack-config", file);
        }
        emulator.clearRequests();
        const r = await ws.run([...args, ...stackFlags(stack, configFile)], { cwd: REPO_ROOT });
        const writes = emulator
            .requests()
            .filter((q) => q.method === "POST" && q.path.startsWith("/api/"))
            .map((q) => q.path);
        return { r, v: violations(r), writes };
    }
    const preview = (files: Record<string, string>, packConfig?: object) => withPack(["preview"], files, packConfig);
    const show = (r: CliRun) => `--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

    it("a compliant preview passes: the pack ran, no violation, no write", async () => {
        const { r, v, writes } = await preview({ "inc-100.yaml": incident("INC-100", `${FIN}:Selective`, MAC, HR) });
        assert.equal(r.code, 0, show(r));
        assert.match(r.stdout, new RegExp(`Policies:\\n\\s+\\S+ ${PACK.replace(/[.]/g, "\\.")} \\(local: policy\\)`), show(r));
        assert.deepEqual(v, []);
        assert.match(r.stdout, /\+ 4 to create/);
        assert.deepEqual(writes, []);
    });

    describe("each mandatory policy broken fails the preview with its name and message; Defender gets no write", () => {
        it("protected-devices: a device by DNS-name pattern and one by machine id", async () => {
            const { r, v, writes } = await preview(
                { "inc-101.yaml": incident("INC-101", `${SQL}:Selective`, DEFAULT_DEVICES.finLaptop.id, MAC) },
                { "protected-devices": { dnsNamePatterns: ["srv-sql-*"], machineIds: [DEFAULT_DEVICES.finLaptop.id.toUpperCase()] } },
            );
            assert.notEqual(r.code, 0, show(r));
            const mandatory = v.filter((x) => x.level === "mandatory");
            assert.deepEqual(
                mandatory.map((x) => `${x.policy} ${x.resource}`).sort(),
                [
                    `protected-devices ${RESOURCE}: isolate-${DEFAULT_DEVICES.finLaptop.id}`,
                    `protected-devices ${RESOURCE}: isolate-${DEFAULT_DEVICES.sqlServer.id}`,
                ].sort(),
                show(r),
            );
            assert.match(
                mandatory.find((x) => x.resource.endsWith(DEFAULT_DEVICES.sqlServer.id))!.message,
                /^computerDnsName "srv-sql-01\.contoso\.com" matches the protected pattern "srv-sql-\*" \(dnsNamePatterns\): it must never be isolated: remove the device/,
            );
            assert.match(
                mandatory.find((x) => x.resource.endsWith(DEFAULT_DEVICES.finLaptop.id))!.message,
                /^machineId "a1beb9c6\w+" is a protected device \(machineIds\)/,
            );
            assert.doesNotMatch(r.stdout, /\+ \d+ to create/, "no plan is shown as going ahead");
            assert.deepEqual(writes, []);
        });

        it("protected-devices: a change to the stack config that drops the protected tag", async () => {
            await config("set", "--path", "protectedTags[0]", "Finance");
            try {
                const { r, v, writes } = await preview({ "inc-102.yaml": incident("INC-102", `${FIN}:Selective`) });
                assert.notEqual(r.code, 0, show(r));
                assert.deepEqual(
                    v.map((x) => `${x.level} ${x.policy}`),
                    ["mandatory protected-devices"],
                    show(r),
                );
                assert.match(
                    v[0].message,
                    /^protectedMachineTags of computerDnsName "fin-lt-043\.contoso\.com" lacks "DoNotIsolate": without it the provider would isolate a device carrying that tag/,
                );
                assert.deepEqual(writes, []);
            } finally {
                await config("rm", "protectedTags");
            }
        });

        it("mass-isolation-brake: how many, the limit and who can raise it", async () => {
            const { r, v, writes } = await preview(
                { "inc-103.yaml": incident("INC-103", `${FIN}:Selective`, MAC, HR) },
                { "mass-isolation-brake": { maxDevices: 2, approver: "the SOC lead (soc-lead@contoso.com)" } },
            );
            assert.notEqual(r.code, 0, show(r));
            assert.deepEqual(
                v.map((x) => `${x.level} ${x.policy} ${x.resource.split(":")[0]}`),
                ["mandatory mass-isolation-brake pulumi"],
                show(r),
            );
            assert.equal(
                v[0].message,
                "this stack declares 3 devices, more than maxDevices (2): check the declarations (the incident files); if 3 devices must really be isolated, only the SOC lead (soc-lead@contoso.com) can raise the limit (maxDevices of mass-isolation-brake in the policy pack's config)",
            );
            assert.deepEqual(writes, []);
        });

        it("incident-traceability: an incident id of another form", async () => {
            const { r, v, writes } = await preview({ "sec-77.yaml": incident("SEC-77", `${FIN}:Selective`) });
            assert.notEqual(r.code, 0, show(r));
            assert.deepEqual(
                v.map((x) => `${x.level} ${x.policy}`),
                ["mandatory incident-traceability"],
                show(r),
            );
            assert.match(
                v[0].message,
                /^comment of computerDnsName "fin-lt-043\.contoso\.com" names no incident matching \/INC-\\d\+\/ \(it is "SEC-77 SEC-77 in the e2e suite"\)/,
            );
            assert.deepEqual(writes, []);
        });

        it("release-reason: a release comment shorter than the pack asks", async () => {
            const { r, v, writes } = await preview({ "inc-104.yaml": incident("INC-104", `${FIN}:Selective`) }, { "release-reason": { minLength: 60 } });
            assert.notEqual(r.code, 0, show(r));
            assert.deepEqual(
                v.map((x) => `${x.level} ${x.policy}`),
                ["mandatory release-reason"],
                show(r),
            );
            assert.match(
                v[0].message,
                /^releaseComment of computerDnsName "fin-lt-043\.contoso\.com" is 43 characters \("Released by Pulumi: incident INC-104 closed"\), fewer than minLength \(60\)/,
            );
            assert.deepEqual(writes, []);
        });
    });

    it("advisory: the example incidents warn (Full on a server and on a device named by id) and the preview passes", async () => {
        const files = Object.fromEntries(
            fs.readdirSync(path.join(REPO_ROOT, "examples/incidents")).map((f) => [f, fs.readFileSync(path.join(REPO_ROOT, "examples/incidents", f), "utf8")]),
        );
        const { r, v, writes } = await preview(files);
        assert.equal(r.code, 0, show(r));
        assert.deepEqual(
            v.map((x) => `${x.level} ${x.policy} ${x.resource.split(": ")[1]}`).sort(),
            [
                `advisory isolation-type-by-device-class isolate-${DEFAULT_DEVICES.finLaptop.id}`,
                `advisory isolation-type-by-device-class isolate-${DEFAULT_DEVICES.linuxServer.id}`,
            ].sort(),
            show(r),
        );
        assert.match(
            v.find((x) => x.resource.endsWith(DEFAULT_DEVICES.linuxServer.id))!.message,
            /^isolationType Full is for workstations \(names matching "\*-lt-\*", "\*-ws-\*", "\*-mac-\*", "\*-pc-\*"\); "web-lnx-03\.contoso\.com" is not one/,
        );
        assert.match(r.stdout, /\+ 6 to create/);
        assert.deepEqual(writes, []);
    });

    describe("the pack's config file changes thresholds and enforcement levels", () => {
        it("incidentPattern: SEC-77 is traceable under the organization's own pattern", async () => {
            const { r, v } = await preview(
                { "sec-77.yaml": incident("SEC-77", `${FIN}:Selective`) },
                { "incident-traceability": { incidentPattern: "^SEC-\\d+ " } },
            );
            assert.equal(r.code, 0, show(r));
            assert.deepEqual(v, []);
        });

        it("isolation-type-by-device-class made mandatory fails the examples; listing the server and the id passes them", async () => {
            const files = Object.fromEntries(
                fs
                    .readdirSync(path.join(REPO_ROOT, "examples/incidents"))
                    .map((f) => [f, fs.readFileSync(path.join(REPO_ROOT, "examples/incidents", f), "utf8")]),
            );
            const strict = await preview(files, { "isolation-type-by-device-class": "mandatory" });
            assert.notEqual(strict.r.code, 0, show(strict.r));
            assert.deepEqual(
                strict.v.map((x) => `${x.level} ${x.policy}`),
                ["mandatory isolation-type-by-device-class", "mandatory isolation-type-by-device-class"],
                show(strict.r),
            );
            const listed = await preview(files, {
                "isolation-type-by-device-class": { enforcementLevel: "mandatory", fullIsolationAllowed: ["web-lnx-*", DEFAULT_DEVICES.finLaptop.id] },
            });
            assert.equal(listed.r.code, 0, show(listed.r));
            assert.deepEqual(listed.v, []);
        });

        it("the repository's policy/config.json lets the example incidents through with no violation", async () => {
            const files = Object.fromEntries(
                fs
                    .readdirSync(path.join(REPO_ROOT, "examples/incidents"))
                    .map((f) => [f, fs.readFileSync(path.join(REPO_ROOT, "examples/incidents", f), "utf8")]),
            );
            const { r, v } = await preview(files, JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "policy/config.json"), "utf8")));
            assert.equal(r.code, 0, show(r));
            assert.deepEqual(v, []);
        });

        it("the brake made advisory warns with the count and lets the preview through", async () => {
            const { r, v } = await preview(
                { "inc-105.yaml": incident("INC-105", `${FIN}:Selective`, MAC) },
                { "mass-isolation-brake": { enforcementLevel: "advisory", maxDevices: 1 } },
            );
            assert.equal(r.code, 0, show(r));
            assert.deepEqual(
                v.map((x) => `${x.level} ${x.policy}`),
                ["advisory mass-isolation-brake"],
                show(r),
            );
            assert.match(v[0].message, /^this stack declares 2 devices, more than maxDevices \(1\)/);
        });

        it("a config that breaks the schema is refused before the program runs", async () => {
            const { r, writes } = await preview({ "inc-106.yaml": incident("INC-106", `${FIN}:Selective`) }, { "mass-isolation-brake": { maxDevices: 0 } });
            assert.notEqual(r.code, 0, show(r));
            assert.match(
                r.stdout,
                /error: validating policy config: defender-isolation-guardrails 0\.1\.0\s+mass-isolation-brake: maxDevices: Must be greater than or equal to 1/,
                show(r),
            );
            assert.deepEqual(writes, []);
        });
    });

    describe("pulumi up --policy-pack", () => {
        it("stops at its preview when a mandatory policy is broken: nothing isolated, nothing in the state", async () => {
            const { r, v, writes } = await withPack(
                ["up", "--yes"],
                { "inc-107.yaml": incident("INC-107", `${FIN}:Selective`, MAC) },
                { "mass-isolation-brake": { maxDevices: 1 } },
            );
            assert.notEqual(r.code, 0, show(r));
            assert.ok(
                v.some((x) => x.policy === "mass-isolation-brake" && x.level === "mandatory"),
                show(r),
            );
            assert.deepEqual(writes, []);
            assert.equal(isolations(await ws.exportStack(stack, REPO_ROOT)).length, 0);
        });

        it("with --skip-preview, a stack policy runs only after the isolations: why the workflow previews with the pack first", async () => {
            const { r, v, writes } = await withPack(
                ["up", "--yes", "--skip-preview"],
                { "inc-108.yaml": incident("INC-108", `${FIN}:Selective`, MAC) },
                { "mass-isolation-brake": { maxDevices: 1 } },
            );
            assert.notEqual(r.code, 0, show(r));
            assert.ok(
                v.some((x) => x.policy === "mass-isolation-brake" && x.level === "mandatory"),
                show(r),
            );
            assert.equal(writes.filter((p) => p.endsWith("/isolate")).length, 2, `both devices isolated before the brake ran: ${writes.join(", ")}`);
        });
    });
});
