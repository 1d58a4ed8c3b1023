// `defender-isolation propose` as a child process against the emulator over HTTPS: from an alert, a
// Defender XDR incident or selector flags to a new incident file the program accepts; flags checked
// before any request; never an overwrite; read-only.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_ALERTS, DEFAULT_DEVICES, startEmulator, type RunningEmulator } from "../../../../emulator";
import { parseIncidentFile } from "../../../../provider/incidents/incidentFile";
import { at, commandEnv, runCommand } from "../../../../testkit/cli/command";
import { CLIENT_SECRET, FAST_EMULATOR } from "../../../../testkit/world";

const { finLaptop, finLaptop2, hrLaptop, sqlServer } = DEFAULT_DEVICES;

describe("cli: defender-isolation propose against the emulator", function () {
    this.timeout(60_000);
    let emu: RunningEmulator;
    let dir: string;
    const outputs: string[] = [];
    const run = async (args: string[]) => {
        const r = await runCommand(["propose", ...at(emu), ...args], commandEnv(emu), { cwd: dir });
        outputs.push(r.stdout, r.stderr);
        return r;
    };
    const api = () => emu.requests().filter((r) => r.path.startsWith("/api/"));

    before(async () => {
        emu = await startEmulator(FAST_EMULATOR);
    });
    beforeEach(() => {
        emu.reset();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "propose-"));
        fs.mkdirSync(path.join(dir, "incidents"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    after(async () => {
        await emu?.stop();
        assert.ok(
            outputs.every((o) => !o.includes(CLIENT_SECRET)),
            "the client secret appeared in the command's output",
        );
    });

    it("--alert: INC-<the incident number>, the alert's title, its device by id with its name as a comment; read-only", async () => {
        const r = await run(["--alert", DEFAULT_ALERTS.hrQakbot.id, "--incidents", "incidents", "--expires-in", "72h"]);
        assert.equal(r.code, 0, r.stderr);
        const file = path.join(dir, "incidents", "inc-924601.yaml");
        const text = fs.readFileSync(file, "utf8");
        assert.match(r.stderr, /INC-924601 declares 1 device in incidents\/inc-924601\.yaml; commit it on a branch and open a pull request/);
        const parsed = parseIncidentFile(text, "inc-924601.yaml");
        assert.deepEqual(parsed.problems, []);
        assert.equal(parsed.incident?.id, "INC-924601");
        assert.equal(parsed.incident?.title, DEFAULT_ALERTS.hrQakbot.title);
        assert.deepEqual(
            parsed.incident?.devices.map((d) => [d.machineId, d.isolationType, d.comment]),
            [[hrLaptop.id, "Full", `alert ${DEFAULT_ALERTS.hrQakbot.id}: ${DEFAULT_ALERTS.hrQakbot.title}`]],
        );
        assert.match(text, new RegExp(`  # ${hrLaptop.computerDnsName.replace(/\./g, "\\.")}: alert ${DEFAULT_ALERTS.hrQakbot.id}`));
        const expires = parsed.incident?.expiresAt?.getTime() ?? 0;
        assert.ok(Math.abs(expires - (Date.now() + 72 * 3_600_000)) < 120_000, `expires in 72 h: ${parsed.incident?.expiresAt?.toISOString()}`);
        assert.deepEqual(
            api().map((e) => `${e.method} ${e.path}`),
            [`GET /api/alerts/${DEFAULT_ALERTS.hrQakbot.id}`, "GET /api/machines"],
            "the alert, then its device by id; nothing written",
        );
    });

    it("--incident: every device of the Defender XDR incident; --json for automation", async () => {
        const r = await run(["--incident", "924610", "--json"]);
        assert.equal(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout) as { file: null; incident: string; title: string; devices: { machineId: string }[]; text: string };
        assert.equal(out.file, null);
        assert.equal(out.incident, "INC-924610");
        assert.equal(out.title, "Cobalt Strike beacons on finance laptops");
        assert.deepEqual(out.devices.map((d) => d.machineId).sort(), [finLaptop.id, finLaptop2.id].sort());
        assert.deepEqual(parseIncidentFile(out.text, "x.yaml").problems, []);
    });

    it("selector flags (all apply), --live writes the selector itself; a protected device is left out with its reason", async () => {
        emu.updateMachine(sqlServer.id, { machineTags: ["Server", "DoNotIsolate"] });
        const fixed = await run(["--tag", "server", "--id", "INC-3001", "--title", "Servers", "--out", "incidents/inc-3001.yaml"]);
        assert.equal(fixed.code, 0, fixed.stderr);
        assert.match(fixed.stderr, /left out srv-sql-01\.contoso\.com \(9066389dad2340a08fb88b9ff77cc15e33cd246f\): carries the protected tag "DoNotIsolate"/);
        const parsed = parseIncidentFile(fs.readFileSync(path.join(dir, "incidents", "inc-3001.yaml"), "utf8"), "f.yaml");
        assert.deepEqual(
            parsed.incident?.devices.map((d) => d.machineId),
            [DEFAULT_DEVICES.linuxServer.id],
        );

        const live = await run(["--tag", "Finance", "--name", "fin-lt-04?.contoso.com", "--id", "INC-3002", "--live", "--isolation-type", "Selective"]);
        assert.equal(live.code, 0, live.stderr);
        const s = parseIncidentFile(live.stdout, "g.yaml");
        assert.deepEqual(s.problems, []);
        assert.deepEqual(s.incident?.devices, []);
        assert.deepEqual(
            s.incident?.selection?.select.map((e) => [e.criteria.tag, e.criteria.name, e.isolationType]),
            [["Finance", "fin-lt-04?.contoso.com", "Selective"]],
        );
        assert.match(live.stdout, /# selected now: fin-lt-042\.contoso\.com/);
    });

    it("refuses, before any request: nothing to select, a bad flag, an existing file, the same incident id in the folder", async () => {
        fs.writeFileSync(path.join(dir, "incidents", "taken.yaml"), `incident: INC-924601\ntitle: t\nisolate:\n  - machineId: ${finLaptop.id}\n`);
        fs.writeFileSync(path.join(dir, "incidents", "exists.yaml"), "x");
        const cases: Array<[string[], RegExp]> = [
            [[], /propose needs what to isolate/],
            [["--incident", "INC-924601"], /--incident must be a Defender incident id.*the incident file's id is --id/],
            [["--alert", "../x"], /--alert must be a Defender alert id/],
            [["--tag", "HR"], /--id is required with selector flags alone/],
            [["--name", "fin-[0-9]", "--id", "INC-1"], /--name contains "\["/],
            [["--ip", "10.1.2.3/8", "--id", "INC-1"], /--ip sets bits outside its \/8 prefix/],
            [["--alert", DEFAULT_ALERTS.hrQakbot.id, "--expires-in", "3 days"], /--expires-in must be a duration/],
            [["--alert", DEFAULT_ALERTS.hrQakbot.id, "--expires-at", "2001-01-01T00:00:00Z"], /not in the future/],
            [["--alert", DEFAULT_ALERTS.hrQakbot.id, "--out", "incidents/exists.yaml"], /exists: propose never overwrites/],
            [["--alert", DEFAULT_ALERTS.hrQakbot.id, "--force", "--out", "incidents/new.yaml"], /propose never overwrites a file/],
            [["--tag", "HR", "--id", "inc-924601", "--incidents", "incidents"], /taken\.yaml already declares incident inc-924601/],
            [["--tag", "HR", "--id", "INC-1", "--markdown"], /--markdown is for status/],
        ];
        for (const [args, message] of cases) {
            const r = await run(args);
            assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
            assert.match(r.stderr, message, args.join(" "));
        }
        assert.deepEqual(api(), [], "no request");
        assert.equal(fs.readFileSync(path.join(dir, "incidents", "exists.yaml"), "utf8"), "x");
    });

    it("an incident id derived from the alert that is already in the folder is refused after the read; an unknown alert is a usage error", async () => {
        fs.writeFileSync(path.join(dir, "incidents", "taken.yaml"), `incident: INC-924601\ntitle: t\nisolate:\n  - machineId: ${finLaptop.id}\n`);
        const taken = await run(["--alert", DEFAULT_ALERTS.hrQakbot.id, "--incidents", "incidents"]);
        assert.equal(taken.code, 2);
        assert.match(taken.stderr, /already declares incident INC-924601/);
        const unknown = await run(["--alert", "da000000000000000000_9"]);
        assert.equal(unknown.code, 2);
        assert.match(unknown.stderr, /--alert: is not an alert Defender knows \(404\)/);
        assert.deepEqual(fs.readdirSync(path.join(dir, "incidents")), ["taken.yaml"]);
    });
});
