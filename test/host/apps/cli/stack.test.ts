// --stack: the stack's state read with the Pulumi CLI. The CLI here is a stand-in that prints a
// `pulumi stack export` fixture; the real CLI is exercised by the end-to-end suite.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "../../../../emulator";
import { FAST_EMULATOR, REPO_ROOT } from "../../../../testkit/world";
import { at, commandEnv, D, runCommand, seedEveryState, type SeededFleet } from "../../../../testkit/cli/command";

const FIXTURE = path.join(REPO_ROOT, "test/host/apps/cli/fixtures/stack-export.json");

/** A `pulumi` that logs its arguments and working directory, then prints the fixture (or fails as told). */
function writeStandIn(dir: string): { cli: string; log: string } {
    const cli = path.join(dir, "pulumi");
    const log = path.join(dir, "calls.log");
    fs.writeFileSync(
        cli,
        `#!${process.execPath}
const fs = require("fs");
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd() }) + "\\n");
if (process.env.STANDIN_FAIL) { process.stderr.write("error: no stack named 'prod' found\\n"); process.exit(255); }
process.stdout.write(fs.readFileSync(${JSON.stringify(FIXTURE)}, "utf8"));
`,
        { mode: 0o755 },
    );
    return { cli, log };
}

describe("cli: --stack reads the stack's state with the Pulumi CLI", function () {
    this.timeout(60_000);
    let emu: RunningEmulator;
    let fleet: SeededFleet;
    let tmp: string;
    let standIn: { cli: string; log: string };

    before(async () => {
        emu = await startEmulator(FAST_EMULATOR);
        fleet = await seedEveryState(emu);
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "inventory-stack-"));
        standIn = writeStandIn(tmp);
    });
    beforeEach(() => emu.clearRequests());
    after(async () => {
        await emu?.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("PULUMI_CLI: declared devices come from the export; a replaced resource does not count", async () => {
        const r = await runCommand(["status", "--json", "--stack", "prod", ...at(emu)], commandEnv(emu, { PULUMI_CLI: standIn.cli }), { cwd: tmp });
        assert.equal(r.code, 0, r.stderr);
        const calls = fs
            .readFileSync(standIn.log, "utf8")
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l) as { argv: string[]; cwd: string });
        assert.deepEqual(
            calls.map((c) => c.argv),
            [["stack", "export", "--stack", "prod"]],
        );
        assert.equal(fs.realpathSync(calls[0].cwd), fs.realpathSync(tmp), "run where the user runs the command (their project)");
        const report = JSON.parse(r.stdout) as { devices: { machineId: string; declaredIn: string[] }[]; drift: unknown };
        const declared = Object.fromEntries(report.devices.map((d) => [d.machineId, d.declaredIn]));
        assert.deepEqual(declared[D.finLaptop.id], ["stack prod"]);
        assert.deepEqual(declared[D.finLaptop2.id], [], "the resource marked delete is on its way out");
        assert.deepEqual(report.drift, {
            untracked: [fleet.isolating.machineId, fleet.selective.machineId],
            notIsolated: [{ machineId: D.hrLaptop.id, declaredIn: ["stack prod"], state: "released" }],
        });
    });

    it("'pulumi' on PATH when PULUMI_CLI is not set; with --incidents too", async () => {
        const dir = fs.mkdtempSync(path.join(tmp, "incidents-"));
        fs.writeFileSync(path.join(dir, "inc-1.yaml"), `incident: INC-1\ntitle: Beacon\nisolate:\n  - machineId: ${D.finLaptop2.id}\n`);
        const r = await runCommand(
            ["status", "--json", "--stack", "prod", "--incidents", dir, ...at(emu)],
            commandEnv(emu, { PATH: `${tmp}${path.delimiter}${process.env.PATH}` }),
        );
        assert.equal(r.code, 0, r.stderr);
        const report = JSON.parse(r.stdout) as { devices: { machineId: string; declaredIn: string[] }[]; drift: { untracked: string[] } };
        assert.deepEqual(report.devices.find((d) => d.machineId === D.finLaptop2.id)?.declaredIn, ["INC-1"]);
        assert.deepEqual(report.drift.untracked, [fleet.isolating.machineId]);
    });

    it("--incidents naming a device that the stack holds by id: one device, counted once in the drift and the summary", async () => {
        const dir = fs.mkdtempSync(path.join(tmp, "incidents-"));
        fs.writeFileSync(path.join(dir, "inc-2.yaml"), `incident: INC-2\ntitle: Beacon\nisolate:\n  - computerDnsName: ${D.hrLaptop.computerDnsName}\n`);
        const args = ["status", "--stack", "prod", "--incidents", dir, ...at(emu)];
        const env = commandEnv(emu, { PULUMI_CLI: standIn.cli });
        const json = await runCommand([...args, "--json"], env);
        assert.equal(json.code, 0, json.stderr);
        const report = JSON.parse(json.stdout) as { summary: { notIsolated: number }; drift: { notIsolated: unknown[] } };
        assert.deepEqual(report.drift.notIsolated, [
            { machineId: D.hrLaptop.id, computerDnsName: D.hrLaptop.computerDnsName, declaredIn: ["INC-2", "stack prod"], state: "released" },
        ]);
        assert.equal(report.summary.notIsolated, 1);
        const table = await runCommand(args, env);
        assert.match(table.stdout, /^1 declared, not isolated/m);
        assert.equal(table.stdout.split(D.hrLaptop.id).length - 1, 2, `the device once in the table and once in the drift:\n${table.stdout}`);
    });

    it("the table says what the drift was measured against", async () => {
        const r = await runCommand(["status", "--stack", "prod", ...at(emu)], commandEnv(emu, { PULUMI_CLI: standIn.cli }));
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^Drift against stack prod:$/m);
        assert.match(r.stdout, /fin-lt-042\.contoso\.com .* stack prod$/m);
    });

    it("no Pulumi CLI: exit 2, how to get one, no request to Defender", async () => {
        const empty = fs.mkdtempSync(path.join(tmp, "bin-"));
        const r = await runCommand(["status", "--stack", "prod", ...at(emu)], commandEnv(emu, { PATH: empty }));
        assert.equal(r.code, 2);
        assert.match(r.stderr, /--stack needs the Pulumi CLI .* none was found: install it .* or set PULUMI_CLI to its path/);
        assert.deepEqual(emu.requests(), []);
    });

    it("PULUMI_CLI that is not an executable: exit 2", async () => {
        const r = await runCommand(["status", "--stack", "prod", ...at(emu)], commandEnv(emu, { PULUMI_CLI: FIXTURE }));
        assert.equal(r.code, 2);
        assert.match(r.stderr, /PULUMI_CLI is ".*stack-export\.json", which is not an executable file/);
    });

    it("the CLI fails (no such stack): exit 1 with what it said, no request to Defender", async () => {
        const r = await runCommand(["status", "--stack", "prod", ...at(emu)], commandEnv(emu, { PULUMI_CLI: standIn.cli, STANDIN_FAIL: "1" }));
        assert.equal(r.code, 1);
        assert.match(r.stderr, /'pulumi stack export --stack prod' exited with code 255: error: no stack named 'prod' found/);
        assert.deepEqual(emu.requests(), []);
    });
});
