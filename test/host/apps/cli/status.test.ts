// `defender-isolation status` as a child process against the emulator over HTTPS.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "../../../../emulator";
import { CLIENT_SECRET, FAST_EMULATOR } from "../../../../testkit/world";
import { distPath } from "../../../../testkit/paths";
import { apiRequests, at, commandEnv, D, runCommand, seedEveryState, type SeededFleet } from "../../../../testkit/cli/command";

interface JsonDevice {
    machineId: string;
    computerDnsName: string | null;
    state: string;
    isolationType: string | null;
    since: string | null;
    actionId: string;
    requestor: string | null;
    requestSource: string | null;
    pending: { actionId: string; type: string; status: string }[];
    device: { found: boolean } | null;
    declared?: boolean;
    declaredIn?: string[];
}
interface JsonReport {
    devices: JsonDevice[];
    summary: Record<string, number>;
    drift?: { untracked: string[]; notIsolated: { machineId?: string; computerDnsName?: string; declaredIn: string[]; state: string }[] };
}

describe("cli: defender-isolation status against the emulator", function () {
    this.timeout(60_000);
    let emu: RunningEmulator;
    let fleet: SeededFleet;
    const outputs: string[] = [];
    const run = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}, cwd?: string) => {
        const r = await runCommand(args, commandEnv(emu, extraEnv), { cwd });
        outputs.push(r.stdout, r.stderr);
        return r;
    };
    const json = async (args: string[] = []) => {
        const r = await run(["status", "--json", ...at(emu), ...args]);
        assert.equal(r.code, 0, r.stderr);
        return JSON.parse(r.stdout) as JsonReport;
    };

    before(async () => {
        emu = await startEmulator(FAST_EMULATOR);
        fleet = await seedEveryState(emu);
    });
    beforeEach(() => emu.clearRequests());
    after(async () => {
        await emu?.stop();
        // Whatever a run printed, the client secret is never in it.
        assert.ok(
            outputs.every((o) => !o.includes(CLIENT_SECRET)),
            "the client secret appeared in the command's output",
        );
    });

    it("--json: every state, in the documented shape, read with two listings and one device lookup", async () => {
        const report = await json();
        assert.deepEqual(Object.keys(report), ["devices", "summary"]);
        assert.deepEqual(report.summary, { isolated: 2, isolating: 1, releasing: 1, released: 1 });
        const by = new Map(report.devices.map((d) => [d.machineId, d]));
        const pick = (id: string) => {
            const d = by.get(id) as JsonDevice;
            return {
                state: d.state,
                isolationType: d.isolationType,
                actionId: d.actionId,
                requestSource: d.requestSource,
                pending: d.pending.map((p) => `${p.type} ${p.status}`),
                found: d.device?.found ?? null,
            };
        };
        assert.deepEqual(pick(fleet.isolated.machineId), {
            state: "isolated",
            isolationType: "Full",
            actionId: fleet.isolated.actionId,
            requestSource: "Portal",
            pending: [],
            found: true,
        });
        assert.deepEqual(pick(fleet.selective.machineId), {
            state: "isolated",
            isolationType: "Selective",
            actionId: fleet.selective.actionId,
            requestSource: "Portal",
            pending: [],
            found: true,
        });
        assert.deepEqual(pick(fleet.isolating.machineId), {
            state: "isolating",
            isolationType: null,
            actionId: fleet.isolating.actionId,
            requestSource: "PublicApi",
            pending: ["Isolate Pending"],
            found: true,
        });
        assert.deepEqual(pick(fleet.releasing.machineId), {
            state: "releasing",
            isolationType: "Full",
            actionId: fleet.releasing.actionId,
            requestSource: "PublicApi",
            pending: ["Unisolate Pending"],
            found: true,
        });
        assert.deepEqual(pick(fleet.released.machineId), {
            state: "released",
            isolationType: null,
            actionId: fleet.released.actionId,
            requestSource: "Portal",
            pending: [],
            found: null,
        });
        assert.equal(by.get(fleet.selective.machineId)?.requestor, "analyst@contoso.com");
        assert.deepEqual(Object.keys(report.devices[0]), [
            "machineId",
            "computerDnsName",
            "state",
            "isolationType",
            "since",
            "actionId",
            "actionType",
            "actionStatus",
            "requestor",
            "requestSource",
            "pending",
            "device",
        ]);
        assert.deepEqual(
            report.devices.map((d) => d.state),
            ["isolating", "isolated", "isolated", "releasing", "released"],
        );

        const calls = apiRequests(emu);
        assert.deepEqual(calls.filter((c) => c.startsWith("GET /api/machineactions")).sort(), [
            "GET /api/machineactions?$filter=type eq 'Isolate'&$top=10000",
            "GET /api/machineactions?$filter=type eq 'Unisolate'&$top=10000",
        ]);
        assert.equal(calls.filter((c) => c.startsWith("GET /api/machines?$filter=id in (")).length, 1, calls.join("\n"));
        assert.equal(calls.length, 3, calls.join("\n"));
    });

    it("a table on a terminal, by default", async () => {
        const r = await run(["status", ...at(emu)]);
        assert.equal(r.code, 0, r.stderr);
        const lines = r.stdout.split("\n");
        assert.match(lines[0], /^STATE\s+DEVICE\s+MACHINE ID\s+TYPE\s+SINCE \(UTC\)\s+FOR\s+REQUESTOR\s+SOURCE\s+ACTION\s+PENDING\s+HEALTH$/);
        assert.match(
            r.stdout,
            new RegExp(
                `isolated\\s+fin-lt-043\\.contoso\\.com\\s+${fleet.selective.machineId}\\s+Selective\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+\\S+\\s+analyst@contoso\\.com\\s+Portal\\s+${fleet.selective.actionId}\\s+-\\s+Active`,
            ),
        );
        assert.match(r.stdout, new RegExp(`releasing\\s+dsg-mac-11\\.contoso\\.com .* ${fleet.releasing.actionId}\\s+Unisolate Pending`));
        assert.match(r.stdout, /^5 devices: 2 isolated, 1 isolating, 1 releasing, 1 released$/m);
        assert.equal(r.stderr, "", "no progress line when stderr is not a terminal");
    });

    it("on an 80-column terminal: the table fits, says what it left out; --wide shows it in full", async () => {
        const probe = ["--require", distPath("testkit/cli/terminalProbe.js")];
        const narrow = await runCommand(["status", ...at(emu)], commandEnv(emu, { TERMINAL_PROBE_COLUMNS: "80" }), { nodeArgs: probe });
        assert.equal(narrow.code, 0, narrow.stderr);
        const table = narrow.stdout.split("\n\n")[0].split("\n");
        assert.match(table[0], /^STATE\s+DEVICE\s+MACHINE ID\s+TYPE\s+.*PENDING/);
        for (const line of table) assert.ok(line.length <= 80, `${line.length} columns: ${line}`);
        assert.match(narrow.stdout, /^releasing\s+dsg-mac-11\.contoso\.com\s+\S+…\s+Full\s+.*Unisolate Pending/m);
        assert.match(
            narrow.stdout.replace(/\n(?!\n)/g, " "),
            /To fit 80 columns, left out SINCE \(UTC\), .* and cut long values \(…\): --wide shows every column in full/,
        );
        const wide = await runCommand(["status", "--wide", ...at(emu)], commandEnv(emu, { TERMINAL_PROBE_COLUMNS: "80" }), { nodeArgs: probe });
        assert.equal(wide.code, 0, wide.stderr);
        assert.match(wide.stdout, new RegExp(`isolated\\s+fin-lt-043\\.contoso\\.com\\s+${fleet.selective.machineId}\\s+Selective`));
        assert.match(wide.stdout.split("\n")[0], /SOURCE\s+ACTION\s+PENDING\s+HEALTH$/);
        assert.doesNotMatch(wide.stdout, /To fit/);
    });

    it("--markdown: a table for a ticket or a pull request", async () => {
        const r = await run(["status", "--markdown", ...at(emu)]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^### Device isolation in Defender, \d{4}-\d\d-\d\d \d\d:\d\d UTC$/m);
        assert.match(r.stdout, /^\| State \| Device \| Machine ID \| Type \| Since \(UTC\) \| Requestor \| Source \| Action \| Pending \| Health \|$/m);
        assert.match(r.stdout, new RegExp(`^\\| \\*\\*isolating\\*\\* \\| \`srv-sql-01\\.contoso\\.com\` \\| \`${D.sqlServer.id}\` \\| - \\|`, "m"));
        assert.match(r.stdout, /^\*\*Summary:\*\* 5 devices: 2 isolated, 1 isolating, 1 releasing, 1 released$/m);
    });

    it("paging: the listing is read to its end over many pages, with the same answer", async () => {
        const whole = await json();
        emu.configure({ maxPageSize: 2 });
        try {
            emu.clearRequests();
            const paged = await json();
            // Online devices report "now" as lastSeen: everything else is the same.
            const still = (r: JsonReport) => ({ ...r, devices: r.devices.map((d) => ({ ...d, device: d.device && { ...d.device, lastSeen: "(now)" } })) });
            assert.deepEqual(still(paged), still(whole));
            const listings = apiRequests(emu).filter((c) => c.startsWith("GET /api/machineactions"));
            // 6 Isolates (3 pages of 2, the last with no next link) and 2 Unisolates (1 page).
            assert.equal(listings.length, 4, listings.join("\n"));
            assert.ok(
                listings.some((c) => /\$skip=4/.test(c)),
                listings.join("\n"),
            );
        } finally {
            emu.configure({ maxPageSize: 10000 });
        }
    });

    it("--machine narrows to the devices named, by id or by DNS name", async () => {
        const report = await json([
            "--machine",
            fleet.isolated.machineId.toUpperCase(),
            "--machine",
            "FIN-LT-043.contoso.com",
            "--machine",
            "nobody.contoso.com",
        ]);
        assert.deepEqual(report.devices.map((d) => d.machineId).sort(), [fleet.isolated.machineId, fleet.selective.machineId].sort());
        assert.deepEqual(report.summary, { isolated: 2, isolating: 0, releasing: 0, released: 0 });
        const calls = apiRequests(emu);
        assert.ok(
            calls.some((c) => c.includes("machineId in (")),
            calls.join("\n"),
        );
        assert.ok(!calls.some((c) => c.includes("type eq")), "no fleet listing when devices are named");
    });

    it("--machine on a device without isolation actions: an empty inventory, exit 0", async () => {
        const report = await json(["--machine", D.linuxServer.id]);
        assert.deepEqual(report, { devices: [], summary: { isolated: 0, isolating: 0, releasing: 0, released: 0 } });
    });

    describe("drift", () => {
        let dir: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "inventory-incidents-"));
            fs.writeFileSync(
                path.join(dir, "inc-1.yaml"),
                `incident: INC-1\ntitle: Beacon\nisolate:\n  - machineId: ${D.finLaptop.id}\n  - computerDnsName: web-lnx-03.contoso.com\n`,
            );
            fs.writeFileSync(
                path.join(dir, "inc-2.yaml"),
                `incident: INC-2\ntitle: Old one\nisolate:\n  - machineId: ${D.hrLaptop.id}\n  - machineId: ${D.finLaptop.id}\n`,
            );
            fs.writeFileSync(
                path.join(dir, "inc-3.yaml"),
                `incident: INC-3\ntitle: Expired\nexpiresAt: 2020-01-01T00:00:00Z\nisolate:\n  - machineId: ${D.finLaptop2.id}\n`,
            );
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("--incidents: declared or not, and both drifts", async () => {
            const report = await json(["--incidents", dir]);
            const declared = Object.fromEntries(report.devices.map((d) => [d.machineId, d.declaredIn]));
            assert.deepEqual(declared, {
                [fleet.isolated.machineId]: ["INC-1", "INC-2"],
                [fleet.selective.machineId]: [],
                [fleet.isolating.machineId]: [],
                [fleet.releasing.machineId]: [],
                [fleet.released.machineId]: ["INC-2"],
            });
            assert.deepEqual(report.drift, {
                untracked: [fleet.isolating.machineId, fleet.selective.machineId],
                notIsolated: [
                    { machineId: fleet.released.machineId, declaredIn: ["INC-2"], state: "released" },
                    { computerDnsName: "web-lnx-03.contoso.com", declaredIn: ["INC-1"], state: "noAction" },
                ],
            });
            assert.deepEqual(report.summary, { isolated: 2, isolating: 1, releasing: 1, released: 1, untracked: 2, notIsolated: 2 });
        });

        it("the table lists the drift in words", async () => {
            const r = await run(["status", "--incidents", dir, ...at(emu)]);
            assert.equal(r.code, 0, r.stderr);
            assert.match(r.stdout, /DECLARED$/m);
            assert.match(
                r.stdout,
                /^2 isolated or being isolated in Defender, declared nowhere \(nobody will ever release them; 'defender-isolation export' adopts them into Git\)$/m,
            );
            assert.match(r.stdout, new RegExp(`^  - srv-sql-01\\.contoso\\.com \\(${D.sqlServer.id}\\): isolating since .* by 5ca1ab1e-`, "m"));
            assert.match(r.stdout, /^2 declared, not isolated \(the next refresh and 'pulumi up' isolate them\)$/m);
            assert.match(r.stdout, /^ {2}- web-lnx-03\.contoso\.com: never isolated \(no isolation action\); declared in INC-1$/m);
        });

        it("--incidents with selectors: the devices they choose now count as declared, read with the program's rules", async () => {
            const sel = fs.mkdtempSync(path.join(os.tmpdir(), "inventory-sel-"));
            try {
                // The isolating server and the Selective laptop, chosen by a tag each; the protected tag keeps nothing out here.
                fs.writeFileSync(path.join(sel, "inc-5.yaml"), "incident: INC-5\ntitle: Servers\nselect:\n  - tag: tier0\n  - name: fin-lt-043.*\n");
                const report = await json(["--incidents", sel]);
                const declared = Object.fromEntries(report.devices.map((d) => [d.machineId, d.declaredIn]));
                assert.deepEqual(declared[fleet.isolating.machineId], ["INC-5"]);
                assert.deepEqual(declared[fleet.selective.machineId], ["INC-5"]);
                assert.deepEqual(declared[fleet.isolated.machineId], []);
                assert.ok(
                    emu.requests().some((e) => e.path === "/api/machines" && /machineTags\/any/.test(e.query.$filter ?? "")),
                    "the tag listing",
                );
                assert.deepEqual(
                    emu.requests().filter((e) => e.method === "POST" && e.path.startsWith("/api/")),
                    [],
                );
            } finally {
                fs.rmSync(sel, { recursive: true, force: true });
            }
        });

        it("an incident folder with a problem: exit 2, every problem named, no request", async () => {
            const bad = fs.mkdtempSync(path.join(os.tmpdir(), "inventory-bad-"));
            try {
                fs.writeFileSync(path.join(bad, "inc-9.yaml"), "incident: INC-9\ntitle: x\nisolate:\n  - machineId: 123\n    isolationType: full\n");
                const r = await run(["status", "--incidents", bad, ...at(emu)]);
                assert.equal(r.code, 2);
                assert.match(r.stderr, /--incidents .*: the folder has 2 problems/);
                assert.match(r.stderr, /inc-9\.yaml:4 isolate\[0\]\.machineId: must be a Defender device id/);
                assert.match(r.stderr, /did you mean "Full"\?/);
                assert.deepEqual(emu.requests(), []);
            } finally {
                fs.rmSync(bad, { recursive: true, force: true });
            }
        });
    });
});
