import assert from "node:assert/strict";
import { parseIncidentFile } from "../../../provider/incidents/incidentFile";
import type { DeviceIsolationStatus, IsolationStateName } from "../../../provider/inventory";
import { deviceComment, exportIncident, exportOptionProblems } from "../../../provider/inventory/exportIncident";

const NOW = new Date("2026-11-22T12:00:00Z");
const id = (c: string) => c.repeat(40);

function row(c: string, state: IsolationStateName, extra: Partial<DeviceIsolationStatus> = {}): DeviceIsolationStatus {
    return {
        machineId: id(c),
        computerDnsName: `${c}.contoso.com`,
        state,
        isolationType: state === "released" ? null : "Full",
        since: "2026-11-20T10:04:05.1234567Z",
        actionId: `00000000-0000-4000-8000-00000000000${c}`,
        actionType: "Isolate",
        actionStatus: "Succeeded",
        requestor: "analyst@contoso.com",
        requestSource: "Portal",
        pending: [],
        device: { found: true, healthStatus: "Active", lastSeen: null },
        ...extra,
    };
}

describe("inventory/exportIncident", () => {
    it("declares every isolated and isolating device by id, with its type and who isolated it when", () => {
        const out = exportIncident(
            [
                row("a", "isolated", { isolationType: "Selective" }),
                row("b", "isolating", { isolationType: null, actionStatus: "Pending" }),
                row("c", "releasing"),
                row("d", "released"),
                row("e", "isolated", { device: { found: false, healthStatus: null, lastSeen: null } }),
                row("f", "isolated", { isolationType: "UnManagedDevice", device: null }),
            ],
            { incident: "INC-3000", now: NOW },
        );
        const parsed = parseIncidentFile(out.text as string, "inc-3000.yaml");
        assert.deepEqual(parsed.problems, []);
        assert.equal(parsed.incident?.id, "INC-3000");
        assert.equal(parsed.incident?.title, "Isolations in place in Defender on 2026-11-22, adopted into Git");
        assert.deepEqual(
            parsed.incident?.devices.map((d) => [d.machineId, d.isolationType, d.comment]),
            [
                [id("a"), "Selective", "isolated by analyst@contoso.com at 2026-11-20 10:04 UTC (Portal); adopted from Defender"],
                [id("b"), "Full", "isolation requested by analyst@contoso.com at 2026-11-20 10:04 UTC (Portal); adopted from Defender"],
                [id("f"), "UnManagedDevice", "isolated by analyst@contoso.com at 2026-11-20 10:04 UTC (Portal); adopted from Defender"],
            ],
        );
        assert.match(out.text as string, /Full is assumed/);
        assert.deepEqual(
            out.skipped.map((s) => s.split(":")[0]),
            [`c.contoso.com (${id("c")})`, `e.contoso.com (${id("e")})`],
        );
    });

    it("nothing isolated: no text", () => {
        assert.deepEqual(exportIncident([row("d", "released")], { incident: "INC-1", now: NOW }), { devices: [], skipped: [] });
    });

    it("text from Defender cannot break the file: control characters, quotes, length", () => {
        const nasty = row("a", "isolated", {
            requestor: 'evil\nincident: INC-666 "x" # y',
            computerDnsName: "a\n- machineId: bbbb",
            requestSource: "P".repeat(400),
        });
        const out = exportIncident([nasty], { incident: "INC-1", title: 'Title with "quotes" and: colons # not a comment', now: NOW });
        const parsed = parseIncidentFile(out.text as string, "x.yaml");
        assert.deepEqual(parsed.problems, []);
        assert.equal(parsed.incident?.id, "INC-1");
        assert.equal(parsed.incident?.title, 'Title with "quotes" and: colons # not a comment');
        assert.equal(parsed.incident?.devices.length, 1);
        assert.ok((parsed.incident?.devices[0].comment ?? "").length <= 300);
    });

    it("the comment stays within the incident file's bound", () => {
        assert.ok(deviceComment({ state: "isolated", requestor: "x".repeat(500), since: null, requestSource: null }).length <= 300);
    });

    it("refuses a bad incident id or title, naming the flag", () => {
        assert.deepEqual(exportOptionProblems({}), [
            "--incident is required: the id of the incident the isolations are adopted into, e.g. --incident INC-3000",
        ]);
        assert.match(exportOptionProblems({ incident: "INC 1" })[0], /^--incident must be letters/);
        assert.match(exportOptionProblems({ incident: "INC-1", title: "a\nb" })[0], /^--title must be one line/);
        assert.match(exportOptionProblems({ incident: "INC-1", title: "x".repeat(201) })[0], /^--title is 201 characters long/);
        assert.throws(() => exportIncident([], { incident: "-bad", now: NOW }), /--incident must be/);
    });
});
