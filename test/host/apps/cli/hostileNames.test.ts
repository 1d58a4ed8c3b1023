// `defender-isolation status` when Defender's own text is hostile: a compromised device reports a
// crafted hostname (terminal escapes, Markdown, HTML) and an action carries a crafted requestor. Each
// output (table, Markdown, JSON) and the drift lines show them as inert data.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "../../../../emulator";
import { HOSTILE, RAW_CONTROL } from "../../../../testkit/hostileText";
import { FAST_EMULATOR } from "../../../../testkit/world";
import { at, commandEnv, D, runCommand } from "../../../../testkit/cli/command";

const NAMES = Object.values(HOSTILE);
const idOf = (i: number) => `${"feed".repeat(9)}${i.toString(16).padStart(4, "0")}`;

describe("cli: status with hostile names from Defender", function () {
    this.timeout(60_000);
    let emu: RunningEmulator;
    let incidents: string;

    before(async () => {
        emu = await startEmulator(FAST_EMULATOR);
        NAMES.forEach((name, i) => {
            emu.addMachine({ id: idOf(i), computerDnsName: name, osPlatform: "Windows11" });
            emu.isolateOutOfBand(idOf(i), { requestor: NAMES[(i + 1) % NAMES.length] });
        });
        // One declared device isolated nowhere: the "declared, not isolated" drift lines.
        incidents = fs.mkdtempSync(path.join(os.tmpdir(), "hostile-incidents-"));
        fs.writeFileSync(path.join(incidents, "inc-1.yaml"), `incident: INC-1\ntitle: t\nisolate:\n  - machineId: ${D.hrLaptop.id}\n`);
    });
    after(async () => {
        await emu?.stop();
        if (incidents) fs.rmSync(incidents, { recursive: true, force: true });
    });

    const status = async (...args: string[]) => {
        const r = await runCommand(["status", ...args, ...at(emu), "--incidents", incidents], commandEnv(emu));
        assert.equal(r.code, 0, r.stderr);
        return r.stdout;
    };

    it("table: no raw control character; every name is there, escaped", async () => {
        const out = await status();
        assert.doesNotMatch(out, RAW_CONTROL);
        assert.match(out, /fin-lt-042\\x1b\[2J\\x1b\[1;1Hall devices released/);
        assert.match(out, /fin-lt-\\u202egpj\.exe/);
        assert.match(out, /srv-\\x9b31mred/);
        // Drift lines too: every hostile device is isolated and declared nowhere.
        assert.match(out, new RegExp(`^  - web-01\\\\x1b\\]0;owned\\\\x07 \\(${idOf(1)}\\): isolated since .* by `, "m"));
        // Each row is one line: a name with a newline cannot start a line of its own.
        assert.doesNotMatch(out, /^# APPROVED/m);
    });

    it("markdown: every Defender value is a code span; no heading, link, image, HTML or extra cell", async () => {
        const out = await status("--markdown");
        assert.doesNotMatch(out, RAW_CONTROL);
        const lines = out.split("\n");
        // Only our own heading starts with '#'.
        assert.deepEqual(
            lines.filter((l) => /^\s*#/.test(l)),
            [lines[0]],
        );
        assert.match(lines[0], /^### Device isolation in Defender/);
        // Outside code spans there is no link, image or HTML left.
        const prose = out.replace(/(`+)[^`\n]*?(?:`(?!\1)[^`\n]*?)*\1/g, "`…`");
        assert.doesNotMatch(prose, /\]\(|<\/?[a-z]|https?:\/\//i, prose);
        // Every table row keeps its column count: no name added a cell.
        const header = lines.find((l) => l.startsWith("| State "))!;
        const cells = (l: string) => l.replace(/\\\|/g, "").split("|").length;
        for (const row of lines.filter((l) => l.startsWith("| **"))) assert.equal(cells(row), cells(header), row);
        assert.ok(out.includes("`</pre><h1>Preview: no changes</h1><pre>`"), out);
        assert.ok(out.includes("`[release all](https://evil.example/login)`"), out);
        assert.match(out, /^- `web-01\\x1b\]0;owned\\x07` \(`[0-9a-f]{40}`\): isolated since/m);
    });

    it("json: parses back to Defender's exact values, with no raw C1 or bidi character in the text", async () => {
        const out = await status("--json");
        assert.doesNotMatch(out, RAW_CONTROL);
        const report = JSON.parse(out) as { devices: { machineId: string; computerDnsName: string; requestor: string }[] };
        const names = new Map(report.devices.map((d) => [d.machineId, d.computerDnsName]));
        NAMES.forEach((name, i) => assert.equal(names.get(idOf(i)), name));
    });
});
