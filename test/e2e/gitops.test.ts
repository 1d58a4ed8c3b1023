// The repo's root Pulumi project (the GitOps program) through the real CLI, run from the repo root as
// the README says, with the commands of the example GitHub workflow's steps. One stack, in order:
// every step asserts the CLI's exit code and output, the state, and the emulator's records.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_DEVICES } from "../../emulator";
import { REPO_ROOT, requirePulumiCli } from "../../testkit/cli/engine";
import { rootProjectStack, writes, type RootStack } from "../../testkit/cli/rootProject";
import { isolations, type CliRun, type StackExport } from "../../testkit/cli/workspace";
import { pulumiActionSteps, type PulumiActionStep } from "../../testkit/cli/pulumiActionSteps";
import { preparePolicyPack } from "../../testkit/cli/policyPack";

const FIN = DEFAULT_DEVICES.finLaptop; // by machineId
const FIN2 = DEFAULT_DEVICES.finLaptop2; // named by computerDnsName (the program looks it up: one resource per device, named by id), Selective
const HR = DEFAULT_DEVICES.hrLaptop;
const MAC = DEFAULT_DEVICES.macLaptop;
const SHA = "4f3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a";

/** A row of the preview's plan (a Markdown table, each cell padded): incident, device, `id`, type, what happens (a pattern). */
const planRow = (incident: string, device: string, id: string, type: string, what: string) =>
    new RegExp(`\\| ${incident.replace(/\./g, "\\.")}\\s*\\| ${device.replace(/\./g, "\\.")}\\s+\\| \`${id}\`\\s+\\| ${type}\\s+\\| ${what}`);
const RES = (name: string) => new RegExp(`pulumi-nodejs:dynamic/defender:DeviceIsolation isolate-${name.replace(/\./g, "\\.")} `);
const NO_STACK_TRACE = /\n\s+at [\w.<>]+ \(|\.ts:\d+:\d+|\.js:\d+:\d+/;

describe("e2e: the GitOps root project through the real CLI (the workflow's commands)", function () {
    this.timeout(5 * 60_000);
    let root: RootStack;
    let preview: PulumiActionStep;
    let up: PulumiActionStep;

    /** Runs a command (or a workflow step, with its environment); returns it with the Defender writes it caused. */
    const cli = async (args: string[] | PulumiActionStep) => {
        root.emulator.clearRequests();
        const run = Array.isArray(args) ? await root.run(args) : await root.run(args.args, { env: args.env });
        return { run, writes: writes(root.emulator.requests()), requests: root.emulator.requests() };
    };
    const out = (r: CliRun) => `${r.stdout}\n${r.stderr}`;
    const expectExit = (r: CliRun, code: number) => assert.equal(r.code, code, `${r.command} exited ${r.code}\n${out(r)}`);
    const file = (name: string, text: string) => fs.writeFileSync(path.join(root.incidentsDir, name), text);
    const removeFile = (name: string) => fs.rmSync(path.join(root.incidentsDir, name));
    /** DeviceIsolation resources in state: resource name → id and outputs. */
    const inState = (s: StackExport) => new Map(isolations(s).map((r) => [r.urn.split("::").pop()!, { id: r.id!, outputs: r.outputs ?? {} }]));
    const isolated = () =>
        root.emulator
            .state()
            .machines.filter((m) => m.isolation.isolated)
            .map((m) => `${m.computerDnsName} ${m.isolation.isolationType}`)
            .sort();
    /** `pulumi stack output` and `stack history` take no --config-file. */
    const stackOnly = (args: string[]) => root.ws.ok([...args, "--stack", root.stack, "--non-interactive"], { cwd: REPO_ROOT });
    const stackOutputs = async () =>
        JSON.parse((await stackOnly(["stack", "output", "--json"])).stdout) as {
            deviceCount: number;
            incidents: Record<
                string,
                {
                    file: string;
                    expired: boolean;
                    expiresAt: string | null;
                    devices: { name: string; status: string; machineActionId: string | null; machineId: string | null }[];
                }
            >;
        };

    before(async function () {
        const pulumi = await requirePulumiCli(this);
        this.timeout(2 * 60_000);
        const steps = pulumiActionSteps(fs.readFileSync(path.join(REPO_ROOT, "examples", "github-actions", "incidents.yml"), "utf8"), {
            github: { event_name: "push", sha: SHA },
            vars: { PULUMI_ORG: "contoso" },
            secrets: {},
        });
        preview = steps.find((s) => s.job === "preview")!;
        up = steps.find((s) => s.job === "up" && s.command === "up")!;
        preparePolicyPack(); // the steps run the policy pack (policy/), as the workflow does
        root = await rootProjectStack(pulumi, { prefix: "e2e-gitops-", clientSecret: "gitops-suite-secret-value", relativeIncidentsDir: true });
        file(
            "inc-9001.yaml",
            [
                "incident: INC-9001",
                "title: Beacon on finance laptops",
                "isolate:",
                `  - machineId: ${FIN.id}`,
                `  - computerDnsName: ${FIN2.computerDnsName}`,
                "    isolationType: Selective",
                "    comment: keeps Teams",
                "",
            ].join("\n"),
        );
    });
    after(async () => {
        await root?.stop();
    });

    it("preview (the workflow's pull-request step): the plan shows the incident's two devices, nothing is written to Defender", async () => {
        const { run, writes: w } = await cli(preview);
        expectExit(run, 0);
        assert.match(run.stdout, new RegExp(`\\+\\s+${RES(`${FIN.id}`).source}create`));
        assert.match(run.stdout, new RegExp(`\\+\\s+${RES(FIN2.id).source}create`));
        assert.match(run.stdout, /Resources:\n\s+\+ 3 to create\n/);
        assert.match(run.stdout, /deviceCount: 2/);
        // The plan a reviewer reads beside the engine's isolate-<id> lines: per incident, each device's name, id, type, and what happens.
        assert.match(run.stdout, /### Isolation plan: 2 to isolate, 0 to update, 0 unchanged, 0 no longer declared \(1 open incident\)/);
        assert.match(
            run.stdout,
            planRow("INC-9001 Beacon on finance laptops", FIN.computerDnsName, FIN.id, "Full", "\\*\\*isolate\\*\\*"),
            "the device declared by id, named",
        );
        assert.match(run.stdout, planRow("", FIN2.computerDnsName, FIN2.id, "Selective", "\\*\\*isolate\\*\\*"), "the device declared by name, with its id");
        // The engine's progress line shows a message's first line, its diagnostics the whole: the table once.
        assert.equal(run.stdout.match(/^\s*\| Incident\s+\| Device\s+\|/gm)?.length, 1, "the table printed once");
        assert.deepEqual(w, []);
        assert.equal(inState(await root.exportStack()).size, 0);
        assert.deepEqual(isolated(), []);
    });

    it("up (the workflow's main-branch step): exactly the incident's two devices isolated, one isolate each, recorded with Defender's action ids", async () => {
        const { run, writes: w } = await cli(up);
        expectExit(run, 0);
        assert.match(run.stdout, /Resources:\n\s+\+ 3 created\n/);
        assert.deepEqual(
            w.map((x) => `${x.route} ${x.machineId} ${String(x.body.IsolationType)}`).sort(),
            [`isolate ${FIN.id} Full`, `isolate ${FIN2.id} Selective`].sort(),
        );
        assert.deepEqual(isolated(), [`${FIN.computerDnsName} Full`, `${FIN2.computerDnsName} Selective`].sort());

        const state = inState(await root.exportStack());
        const actions = root.emulator.state().actions;
        assert.deepEqual([...state.keys()].sort(), [`isolate-${FIN.id}`, `isolate-${FIN2.id}`].sort());
        for (const [, r] of state) {
            const action = actions.find((a) => a.id === r.id);
            assert.ok(action && action.type === "Isolate" && action.status === "Succeeded", `state id ${r.id} is a Succeeded Isolate in Defender`);
            assert.equal(r.outputs.machineId, action.machineId);
        }

        const outputs = await stackOutputs();
        assert.equal(outputs.deviceCount, 2);
        const inc = outputs.incidents["INC-9001"];
        // incidentsDir is set relative to the project root (the program runs in dist/provider/apps/gitops), and
        // a file outside the root is shown by its absolute path.
        assert.equal(inc.file, path.join(root.incidentsDir, "inc-9001.yaml"));
        assert.equal(inc.expired, false);
        assert.deepEqual(inc.devices.map((d) => [d.name, d.status, d.machineActionId]).sort(), [...state].map(([name, r]) => [name, "Succeeded", r.id]).sort());

        const history = JSON.parse((await stackOnly(["stack", "history", "--json"])).stdout) as { message: string }[];
        assert.equal(history[0].message, `push ${SHA}`, "the workflow's message reached the update");
    });

    it("refresh: always: a plain `pulumi preview` (no --refresh) reads Defender and plans to isolate again a device released behind Pulumi's back; the next up does, once", async () => {
        const before = inState(await root.exportStack());
        root.emulator.releaseOutOfBand(FIN2.id, { comment: "Released from the portal" });

        const p = await cli(["preview"]);
        expectExit(p.run, 0);
        assert.match(p.run.stdout, new RegExp(`~\\s+${RES(FIN2.id).source}refreshing`));
        assert.match(p.run.stdout, new RegExp(`\\+\\s+${RES(FIN2.id).source}create`));
        assert.match(p.run.stdout, /Resources:\n\s+\+ 1 to create\n\s+2 unchanged\n/);
        assert.ok(
            p.requests.some((e) => e.route === "listActions"),
            "the preview's refresh read the device's actions",
        );
        assert.deepEqual(p.writes, []);

        const u = await cli(up);
        expectExit(u.run, 0);
        assert.deepEqual(
            u.writes.map((x) => `${x.route} ${x.machineId}`),
            [`isolate ${FIN2.id}`],
        );
        const after = inState(await root.exportStack());
        assert.equal(after.get(`isolate-${FIN.id}`)!.id, before.get(`isolate-${FIN.id}`)!.id, "the untouched device keeps its isolation");
        assert.notEqual(after.get(`isolate-${FIN2.id}`)!.id, before.get(`isolate-${FIN2.id}`)!.id);
        assert.deepEqual(isolated(), [`${FIN.computerDnsName} Full`, `${FIN2.computerDnsName} Selective`].sort());
    });

    it("the config schema: Pulumi.yaml's defaults reach the program; a value of the wrong type is accepted by `config set` and refused by the CLI before anything runs", async () => {
        const config = JSON.parse((await root.ok(["config", "--json"])).stdout) as Record<string, { value?: string; objectValue?: unknown }>;
        assert.equal(config["defender-incidents:maxDevices"].value, "50");
        assert.deepEqual(config["defender-incidents:protectedTags"].objectValue, ["DoNotIsolate"]);
        assert.equal(config["defender-incidents:waitForCompletion"].value, "true");
        assert.equal(config["defender-incidents:allowEmpty"].value, "false");

        await root.ok(["config", "rm", "incidentsDir"]);
        const fallback = JSON.parse((await root.ok(["config", "--json"])).stdout) as Record<string, { value?: string }>;
        assert.equal(fallback["defender-incidents:incidentsDir"].value, "examples/incidents");
        await root.ok(["config", "set", "incidentsDir", path.relative(REPO_ROOT, root.incidentsDir)]);

        // A list set by path reaches the program as a list: every resource's protected tags change (state
        // only). The policy pack requires DoNotIsolate to stay: the tag is added after it.
        await root.ok(["config", "set", "--path", "protectedTags[0]", "DoNotIsolate"]);
        await root.ok(["config", "set", "--path", "protectedTags[1]", "Tier0"]);
        const tags = await cli(preview);
        expectExit(tags.run, 0);
        assert.match(tags.run.stdout, /Resources:\n\s+~ 2 to update\n/);
        assert.match(tags.run.stdout, /update \[diff: ~protectedMachineTags\]/);
        assert.deepEqual(tags.writes, []);
        await root.ok(["config", "rm", "protectedTags"]);

        const before = await root.exportStack();
        const wrong: [set: string[], key: string, type: string][] = [
            [["--type", "float", "maxDevices", "2.5"], "maxDevices", "integer"],
            [["maxDevices", "fifty"], "maxDevices", "integer"],
            [["protectedTags", "DoNotIsolate"], "protectedTags", "array<string>"],
            [["allowEmpty", "yes"], "allowEmpty", "boolean"],
            [["waitForCompletion", "--type", "int", "1"], "waitForCompletion", "boolean"],
        ];
        for (const [set, key, type] of wrong) {
            await root.ok(["config", "set", ...set]); // what the CLI really does: `config set` does not check the schema
            for (const args of [preview, up]) {
                const { run, requests } = await cli(args);
                assert.notEqual(run.code, 0, `${run.command} with ${set.join(" ")} must fail\n${out(run)}`);
                assert.match(
                    out(run),
                    new RegExp(
                        `validating stack config: Stack '${root.stack}' with configuration key '${key}' must be of type '${type.replace(/[<>]/g, "\\$&")}'`,
                    ),
                );
                assert.doesNotMatch(out(run), NO_STACK_TRACE);
                assert.deepEqual(
                    requests.map((e) => e.path),
                    [],
                    "not even a token: the program and the refresh never ran",
                );
            }
            await root.ok(["config", "rm", key]);
        }
        assert.deepEqual((await root.exportStack()).deployment.resources, before.deployment.resources);
        assert.deepEqual(isolated(), [`${FIN.computerDnsName} Full`, `${FIN2.computerDnsName} Selective`].sort());
    });

    it("adding an incident file isolates exactly its new device; a device it shares is re-commented, not isolated again", async () => {
        file("inc-9002.yaml", ["incident: INC-9002", "title: Infostealer", "isolate:", `  - machineId: ${HR.id}`, `  - machineId: ${FIN.id}`, ""].join("\n"));
        const before = inState(await root.exportStack());
        const p = await cli(preview);
        expectExit(p.run, 0);
        assert.match(p.run.stdout, new RegExp(`\\+\\s+${RES(HR.id).source}create`));
        assert.match(p.run.stdout, new RegExp(`~\\s+${RES(FIN.id).source}update`));
        assert.match(p.run.stdout, /Resources:\n\s+\+ 1 to create\n\s+~ 1 to update\n\s+2 changes\. 2 unchanged\n/);
        // The plan says the same, device by device: the new one isolated, the shared one updated in place, the other unchanged.
        assert.match(p.run.stdout, /### Isolation plan: 1 to isolate, 1 to update, 1 unchanged, 0 no longer declared \(2 open incidents\)/);
        assert.match(p.run.stdout, planRow("INC-9002 Infostealer", HR.computerDnsName, HR.id, "Full", "\\*\\*isolate\\*\\*"));
        assert.match(
            p.run.stdout,
            planRow("", FIN.computerDnsName, FIN.id, "Full", "update in place \\(comment or isolation type: see the engine's plan\\); also in INC-9001"),
        );
        assert.match(p.run.stdout, planRow("", FIN2.computerDnsName, FIN2.id, "Selective", "stays isolated \\(Succeeded, action `[0-9a-f]{8}`\\)"));
        assert.deepEqual(p.writes, []);

        const u = await cli(up);
        expectExit(u.run, 0);
        assert.deepEqual(
            u.writes.map((x) => `${x.route} ${x.machineId}`),
            [`isolate ${HR.id}`],
        );
        const after = inState(await root.exportStack());
        assert.equal(after.size, 3);
        assert.equal(after.get(`isolate-${FIN.id}`)!.id, before.get(`isolate-${FIN.id}`)!.id);
        assert.match(String(after.get(`isolate-${FIN.id}`)!.outputs.comment), /INC-9001.*INC-9002/);
        assert.equal((await stackOutputs()).deviceCount, 3);
        assert.deepEqual(isolated(), [`${FIN.computerDnsName} Full`, `${FIN2.computerDnsName} Selective`, `${HR.computerDnsName} Full`].sort());
    });

    it("a schema error in any file changes nothing: preview and up fail naming file, line, field and fix, even while another file's removal would release a device", async () => {
        const before = await root.exportStack();
        const shared = fs.readFileSync(path.join(root.incidentsDir, "inc-9002.yaml"), "utf8");
        removeFile("inc-9002.yaml");
        file("inc-9003.yaml", ["incident: INC-9003", "title: Typo", "isolate:", "  - machineId: 12345", "    isolatoinType: Full", ""].join("\n"));
        try {
            for (const args of [preview, up]) {
                const { run, writes: w } = await cli(args);
                assert.notEqual(run.code, 0, out(run));
                assert.match(run.stdout, /has 2 problems\. Nothing was declared: no device is isolated or released until every problem is fixed\./);
                assert.match(
                    run.stdout,
                    /inc-9003\.yaml:4 isolate\[0\]\.machineId: must be a Defender device id of 40 hexadecimal characters[^\n]*: copy the Device ID/,
                );
                assert.match(run.stdout, /inc-9003\.yaml:5 isolate\[0\]\.isolatoinType: unknown key: did you mean "isolationType"\?/);
                assert.doesNotMatch(out(run), NO_STACK_TRACE);
                assert.deepEqual(w, []);
            }
            assert.deepEqual(inState(await root.exportStack()), inState(before));
            assert.equal(isolated().length, 3);
        } finally {
            removeFile("inc-9003.yaml");
            file("inc-9002.yaml", shared);
        }
    });

    it("maxDevices exceeded fails the preview (and the up), with the count and the command to raise it; nothing written", async () => {
        await root.ok(["config", "set", "maxDevices", "2"]);
        try {
            for (const args of [preview, up]) {
                const { run, writes: w } = await cli(args);
                assert.notEqual(run.code, 0, out(run));
                assert.match(
                    run.stdout,
                    /declares 3 devices, more than maxDevices \(2\): check the incident files; if 3 devices must really be isolated, raise the limit: pulumi config set maxDevices 3/,
                );
                assert.deepEqual(w, []);
            }
        } finally {
            await root.ok(["config", "rm", "maxDevices"]);
        }
        assert.equal(inState(await root.exportStack()).size, 3);
    });

    it("an incident added already expired: the preview warns, naming its device and what happens to it, and declares nothing", async () => {
        file(
            "inc-9005.yaml",
            ["incident: INC-9005", "title: Closed before it was merged", "isolate:", `  - machineId: ${MAC.id}`, "expiresAt: 2020-01-01T00:00:00Z", ""].join(
                "\n",
            ),
        );
        try {
            const { run, writes: w } = await cli(preview);
            expectExit(run, 0);
            const text = run.stdout.replace(/\n\s+/g, " ");
            assert.match(
                text,
                new RegExp(
                    `warning: INC-9005 \\(\\S+inc-9005\\.yaml\\) expired at 2020-01-01 00:00 UTC and declares no device\\. ${MAC.computerDnsName.replace(/\./g, "\\.")} \\(${MAC.id.slice(0, 8)}…\\): it is released by 'pulumi up' if this stack isolated it, and not isolated otherwise\\.`,
                ),
            );
            assert.match(
                run.stdout,
                planRow(
                    "INC-9005 Closed before it was merged \\(expired 2020-01-01 00:00 UTC\\)",
                    MAC.computerDnsName,
                    MAC.id,
                    "Full",
                    "released, if this stack isolated it",
                ),
            );
            assert.match(run.stdout, /Resources:\n\s+4 unchanged\n/);
            assert.deepEqual(w, []);
        } finally {
            removeFile("inc-9005.yaml");
        }
    });

    it("closing an incident (deleting its file) releases exactly the devices no other open incident lists", async () => {
        const before = inState(await root.exportStack());
        removeFile("inc-9002.yaml");
        const { run, writes: w } = await cli(up);
        expectExit(run, 0);
        assert.deepEqual(
            w.map((x) => `${x.route} ${x.machineId}`),
            [`unisolate ${HR.id}`],
        );
        assert.match(String(w[0].body.Comment), /INC-9002 closed/);
        const after = inState(await root.exportStack());
        assert.deepEqual([...after.keys()].sort(), [`isolate-${FIN.id}`, `isolate-${FIN2.id}`].sort());
        assert.equal(after.get(`isolate-${FIN.id}`)!.id, before.get(`isolate-${FIN.id}`)!.id, "still isolated by the same action");
        assert.doesNotMatch(String(after.get(`isolate-${FIN.id}`)!.outputs.comment), /INC-9002/);
        assert.deepEqual(isolated(), [`${FIN.computerDnsName} Full`, `${FIN2.computerDnsName} Selective`].sort());
        assert.equal((await stackOutputs()).deviceCount, 2);
    });

    it("an incident whose expiresAt passes is released by the next up, with no change to the files", async function () {
        this.timeout(3 * 60_000);
        const expiresAt = new Date(Date.now() + 20_000);
        file(
            "inc-9004.yaml",
            [
                "incident: INC-9004",
                "title: Short containment",
                "isolate:",
                `  - machineId: ${MAC.id}`,
                "    isolationType: Selective",
                `expiresAt: ${expiresAt.toISOString()}`,
                "",
            ].join("\n"),
        );
        const first = await cli(up);
        expectExit(first.run, 0);
        assert.ok(Date.now() < expiresAt.getTime(), "the isolating up ended before the expiry (a slower machine needs a later expiresAt)");
        assert.deepEqual(
            first.writes.map((x) => `${x.route} ${x.machineId}`),
            [`isolate ${MAC.id}`],
        );
        assert.equal((await stackOutputs()).incidents["INC-9004"].expired, false);

        await new Promise((r) => setTimeout(r, Math.max(0, expiresAt.getTime() - Date.now() + 500)));
        const second = await cli(up);
        expectExit(second.run, 0);
        assert.deepEqual(
            second.writes.map((x) => `${x.route} ${x.machineId}`),
            [`unisolate ${MAC.id}`],
        );
        assert.match(
            second.run.stdout.replace(/\n\s+/g, " "),
            /warning: INC-9004 \(\S+\) expired at .* and declares no device\. .*: it is released by 'pulumi up' if this stack isolated it/,
        );
        const outputs = await stackOutputs();
        assert.equal(outputs.incidents["INC-9004"].expired, true);
        assert.deepEqual(
            outputs.incidents["INC-9004"].devices.map((d) => d.status),
            ["NotDeclared"],
        );
        assert.equal(outputs.deviceCount, 2);
        assert.ok(!inState(await root.exportStack()).has(`isolate-${MAC.id}`));
        assert.deepEqual(isolated(), [`${FIN.computerDnsName} Full`, `${FIN2.computerDnsName} Selective`].sort());
    });
});
