import assert from "node:assert/strict";
import { renderTable } from "../../../../provider/apps/cli/render";
import type { DeviceIsolationStatus, IsolationStateName } from "../../../../provider/inventory";

const NOW = new Date("2026-12-01T18:00:00Z");

function device(n: number, state: IsolationStateName, name: string): DeviceIsolationStatus {
    return {
        machineId: String(n).repeat(40).slice(0, 40),
        computerDnsName: name,
        state,
        isolationType: state === "released" ? null : "Selective",
        since: "2026-12-01T17:02:38.9790000Z",
        actionId: `5d6c5bb2-cd52-49c3-9d41-f22c21b9988${n}`,
        actionType: "Isolate",
        actionStatus: "Succeeded",
        requestor: "analyst-with-a-long-address@contoso.com",
        requestSource: "Portal",
        pending: state === "releasing" ? [{ actionId: "x", type: "Unisolate", status: "Pending", requestor: null, since: "2026-12-01T17:03:00Z" }] : [],
        device: { found: true, healthStatus: "Active", lastSeen: null },
    };
}

const report = {
    devices: [device(1, "isolated", "fin-lt-042.contoso.com"), device(2, "releasing", "a-device-with-a-very-long-name-indeed.eu.contoso.com")],
    summary: { isolated: 1, isolating: 0, releasing: 1, released: 0 },
};
const tableLines = (text: string) => text.split("\n").slice(0, 3);

describe("cli/render: the status table fits the terminal", () => {
    it("without a width (a pipe, --wide): every column in full, no note", () => {
        const text = renderTable(report, NOW);
        const [header, first] = tableLines(text);
        assert.match(header, /^STATE\s+DEVICE\s+MACHINE ID\s+TYPE\s+SINCE \(UTC\)\s+FOR\s+REQUESTOR\s+SOURCE\s+ACTION\s+PENDING\s+HEALTH$/);
        assert.ok(first.includes("1".repeat(40)), first);
        assert.ok(text.includes("a-device-with-a-very-long-name-indeed.eu.contoso.com"));
        assert.doesNotMatch(text, /To fit/);
        assert.ok(header.length > 200, `the full table is ${header.length} columns`);
    });

    for (const width of [80, 100, 120, 160]) {
        it(`${width} columns: no line longer, long values cut with …, what was left out said once`, () => {
            const text = renderTable(report, NOW, { width });
            const lines = tableLines(text);
            for (const l of lines) assert.ok(l.length <= width, `${l.length} > ${width}: ${l}`);
            assert.match(lines[0], /^STATE\s+DEVICE\s+MACHINE ID\s+TYPE/);
            assert.match(lines[1], /^isolated\s+fin-lt-042\.contoso\.com\s+1{5,}…?\s+Selective/);
            assert.match(text.replace(/\n(?!\n)/g, " "), new RegExp(`To fit ${width} columns, .*: --wide shows every column in full, --json everything\\.`));
            for (const l of text.split("\n")) assert.ok(l.length <= width, `${l.length} > ${width}: ${l}`);
            assert.match(text, /^2 devices: 1 isolated, 0 isolating, 1 releasing, 0 released$/m);
        });
    }

    it("80 columns: the columns that say what a device is and what is pending stay; the others go in order", () => {
        const text = renderTable(report, NOW, { width: 80 });
        const header = tableLines(text)[0];
        assert.match(header, /^STATE\s+DEVICE\s+MACHINE ID\s+TYPE\s+.*PENDING/);
        assert.doesNotMatch(header, /SOURCE|HEALTH/);
        assert.match(text.replace(/\n(?!\n)/g, " "), /left out .*SOURCE, ACTION, HEALTH.* and cut long values \(…\)/);
        assert.match(tableLines(text)[2], /^releasing\s+a-device-with.*…\s/);
    });

    it("wide enough: nothing cut, no note", () => {
        const full = renderTable(report, NOW);
        assert.equal(renderTable(report, NOW, { width: 400 }), full);
    });
});
