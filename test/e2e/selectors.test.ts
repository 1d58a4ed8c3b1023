// Selectors through the real CLI: the repo's root project on one stack, in order. A tag selector
// isolates exactly the tagged devices and the preview shows the resolved list; removing the tag keeps
// the device isolated (whenDeselected: keep, remembered in the stack's own outputs) until the file says
// release; an over-broad selector fails the preview naming it, with no write; and `defender-isolation
// propose` from an emulator alert writes a file whose preview isolates exactly the alert's device.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_ALERTS, DEFAULT_DEVICES } from "../../emulator";
import { at, commandEnv, runCommand } from "../../testkit/cli/command";
import { REPO_ROOT, requirePulumiCli } from "../../testkit/cli/engine";
import { rootProjectStack, writes, type RootStack } from "../../testkit/cli/rootProject";
import { isolations, type CliRun } from "../../testkit/cli/workspace";

const HR = DEFAULT_DEVICES.hrLaptop;
const MAC = DEFAULT_DEVICES.macLaptop;
const FIN = DEFAULT_DEVICES.finLaptop;
const RES = (id: string) => `pulumi-nodejs:dynamic/defender:DeviceIsolation isolate-${id}`;

interface SelectionOutputs {
    incidents: Record<string, { selection: { whenDeselected: string; devices: { machineId: string; selectedBy: string[] }[] } | null }>;
}

describe("e2e: selectors through the real CLI", function () {
    this.timeout(5 * 60_000);
    let root: RootStack;

    const cli = async (args: string[]) => {
        root.emulator.clearRequests();
        const run = await root.run(args);
        return { run, writes: writes(root.emulator.requests()) };
    };
    const out = (r: CliRun) => `${r.stdout}\n${r.stderr}`;
    const expectExit = (r: CliRun, code: number) => assert.equal(r.code, code, `${r.command} exited ${r.code}\n${out(r)}`);
    const file = (name: string, ...lines: string[]) => fs.writeFileSync(path.join(root.incidentsDir, name), `${lines.join("\n")}\n`);
    const isolated = () =>
        root.emulator
            .state()
            .machines.filter((m) => m.isolation.isolated)
            .map((m) => m.computerDnsName)
            .sort();
    const outputs = async () =>
        JSON.parse(
            (await root.ws.ok(["stack", "output", "--json", "--stack", root.stack, "--non-interactive"], { cwd: REPO_ROOT })).stdout,
        ) as SelectionOutputs;

    before(async function () {
        const pulumi = await requirePulumiCli(this);
        this.timeout(2 * 60_000);
        root = await rootProjectStack(pulumi, { prefix: "e2e-selectors-", clientSecret: "selectors-suite-secret-value" });
        root.emulator.updateMachine(HR.id, { machineTags: ["HR", "Laptop", "Qakbot"] });
        root.emulator.updateMachine(MAC.id, { machineTags: ["Design", "Laptop", "Qakbot"] });
        file("inc-9100.yaml", "incident: INC-9100", "title: Qakbot outbreak", "select:", "  - tag: Qakbot");
    });
    after(async () => {
        await root?.stop();
    });

    it("preview: exactly the tagged devices, and the resolved list in the output; nothing written", async () => {
        const { run, writes: w } = await cli(["preview"]);
        expectExit(run, 0);
        assert.match(run.stdout, new RegExp(`\\+\\s+${RES(HR.id)} create`));
        assert.match(run.stdout, new RegExp(`\\+\\s+${RES(MAC.id)} create`));
        assert.match(run.stdout, /Resources:\n\s+\+ 3 to create\n/);
        assert.match(run.stdout, /INC-9100 selects 2 devices \(whenDeselected: keep\):/);
        assert.match(run.stdout, /select\[0\] \(tag "Qakbot"\) matches 2 devices: dsg-mac-11\.contoso\.com \(0dd6[0-9a-f]+\), hr-lt-007\.contoso\.com/);
        assert.deepEqual(w, []);
    });

    it("up: one isolate per tagged device; the selection is in the stack outputs", async () => {
        const { run, writes: w } = await cli(["up", "--yes", "--skip-preview"]);
        expectExit(run, 0);
        assert.deepEqual(w.map((x) => `${x.route} ${x.machineId}`).sort(), [`isolate ${HR.id}`, `isolate ${MAC.id}`].sort());
        assert.deepEqual(isolated(), [MAC.computerDnsName, HR.computerDnsName].sort());
        const selection = (await outputs()).incidents["INC-9100"].selection;
        assert.deepEqual(
            selection?.devices.map((d) => [d.machineId, d.selectedBy]).sort(),
            [
                [MAC.id, ['select[0] (tag "Qakbot")']],
                [HR.id, ['select[0] (tag "Qakbot")']],
            ].sort(),
        );
    });

    it("the tag removed from a device: keep (the default) holds it isolated, read back from the last deployment's outputs", async () => {
        root.emulator.updateMachine(MAC.id, { machineTags: ["Design", "Laptop"] });
        const p = await cli(["preview"]);
        expectExit(p.run, 0);
        assert.match(p.run.stdout, /kept until the incident closes \(no longer matching\): dsg-mac-11\.contoso\.com/);
        assert.doesNotMatch(p.run.stdout, /delete/);
        const u = await cli(["up", "--yes", "--skip-preview"]);
        expectExit(u.run, 0);
        assert.deepEqual(u.writes, []);
        assert.deepEqual(isolated(), [MAC.computerDnsName, HR.computerDnsName].sort());
        const kept = (await outputs()).incidents["INC-9100"].selection?.devices.find((d) => d.machineId === MAC.id);
        assert.match(kept?.selectedBy[0] ?? "", /^kept: kept until the incident closes/);
    });

    it("whenDeselected: release: the next preview plans the release and up sends exactly one unisolate", async () => {
        file("inc-9100.yaml", "incident: INC-9100", "title: Qakbot outbreak", "select:", "  - tag: Qakbot", "whenDeselected: release");
        const p = await cli(["preview"]);
        expectExit(p.run, 0);
        assert.match(p.run.stdout, new RegExp(`-\\s+${RES(MAC.id)} delete`));
        assert.match(p.run.stdout, /released by this update: dsg-mac-11\.contoso\.com/);
        assert.deepEqual(p.writes, []);
        const u = await cli(["up", "--yes", "--skip-preview"]);
        expectExit(u.run, 0);
        assert.deepEqual(
            u.writes.map((x) => `${x.route} ${x.machineId}`),
            [`unisolate ${MAC.id}`],
        );
        assert.deepEqual(isolated(), [HR.computerDnsName]);
    });

    it("an over-broad selector fails the preview naming it; nothing is written, the state is unchanged", async () => {
        const before = isolations(await root.exportStack()).map((r) => r.urn);
        file("inc-9101.yaml", "incident: INC-9101", "title: Every laptop", "select:", "  - tag: Laptop");
        await root.ok(["config", "set", "maxDevices", "3"]);
        try {
            for (const args of [["preview"], ["up", "--yes", "--skip-preview"]]) {
                const { run, writes: w } = await cli(args);
                assert.notEqual(run.code, 0, out(run));
                assert.match(
                    run.stdout,
                    /declares \d+ devices, more than maxDevices \(3\); the largest selectors: INC-9101 select\[0\] \(tag "Laptop"\) matches \d+ devices/,
                );
                assert.deepEqual(w, []);
            }
            assert.deepEqual(
                isolations(await root.exportStack()).map((r) => r.urn),
                before,
            );
            assert.deepEqual(isolated(), [HR.computerDnsName]);
        } finally {
            fs.rmSync(path.join(root.incidentsDir, "inc-9101.yaml"));
            await root.ok(["config", "rm", "maxDevices"]);
        }
    });

    it("propose from an emulator alert writes a file the next preview shows: the alert's device, nothing else", async () => {
        const proposed = await runCommand(
            ["propose", ...at(root.emulator), "--alert", DEFAULT_ALERTS.finBeacon.id, "--incidents", root.incidentsDir],
            commandEnv(root.emulator),
        );
        assert.equal(proposed.code, 0, proposed.stderr);
        assert.ok(fs.existsSync(path.join(root.incidentsDir, "inc-924610.yaml")), proposed.stderr);
        const { run, writes: w } = await cli(["preview"]);
        expectExit(run, 0);
        assert.match(run.stdout, new RegExp(`\\+\\s+${RES(FIN.id)} create`));
        assert.match(run.stdout, /Resources:\n\s+\+ 1 to create\n\s+2 unchanged\n/);
        assert.deepEqual(w, []);
    });
});
