import { strict as assert } from "assert";
import { planDevices } from "../../../provider/incidents/devicePlan";
import { previewPlanMarkdown, type DeviceOutlook } from "../../../provider/incidents/previewPlan";
import { IDS, incident } from "./fixtures";

const NOW = new Date("2026-11-22T12:00:00Z");

describe("incidents/previewPlan: the plan a reviewer reads", () => {
    const plan = planDevices(
        [
            incident({
                id: "INC-2031",
                title: "Cobalt Strike beacon",
                devices: [{ machineId: IDS.a }, { machineId: IDS.b, computerDnsName: "fin-lt-043.contoso.com", isolationType: "Selective" }],
            }),
            incident({ id: "INC-2044", title: "Infostealer | *bold*", devices: [{ machineId: IDS.a, isolationType: "Selective" }] }),
            incident({
                id: "INC-2019",
                title: "Old",
                file: "incidents/inc-2019.yaml",
                expiresAt: new Date("2026-11-01T00:00:00Z"),
                devices: [{ machineId: IDS.c }],
            }),
        ],
        NOW,
    );
    const outlook = new Map<string, DeviceOutlook>([
        [`isolate-${IDS.a}`, { change: "isolate" }],
        [`isolate-${IDS.b}`, { change: "unchanged", status: "Succeeded", actionId: "5d6c5bb2-cd52-49c3-9d41-f22c21b9988b" }],
    ]);
    const text = previewPlanMarkdown({ plan, outlook, names: new Map([[IDS.a, "fin-lt-042.contoso.com"]]) });
    const rows = text.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| Incident"));
    const cells = (row: string) =>
        row
            .slice(2, -2)
            .split(" | ")
            .map((c) => c.trim());

    it("a heading that counts what happens", () => {
        assert.match(text, /^### Isolation plan: 1 to isolate, 0 to update, 1 unchanged, 1 no longer declared \(2 open incidents, 1 expired\)$/m);
    });

    it("per incident, each device: name, id, type, what happens", () => {
        assert.deepEqual(rows.map(cells), [
            [
                "INC-2019 Old (expired 2026-11-01 00:00 UTC)",
                "(name not known)",
                `\`${IDS.c}\``,
                "Full",
                "released, if this stack isolated it; otherwise nothing (no open incident lists it)",
            ],
            ["INC-2031 Cobalt Strike beacon", "fin-lt-042.contoso.com", `\`${IDS.a}\``, "Full", "**isolate**; also in INC-2044"],
            ["", "fin-lt-043.contoso.com", `\`${IDS.b}\``, "Selective", "stays isolated (Succeeded, action `5d6c5bb2`)"],
            ["INC-2044 Infostealer \\| \\*bold\\*", "fin-lt-042.contoso.com", `\`${IDS.a}\``, "Full (asked here: Selective)", "**isolate**; also in INC-2031"],
        ]);
    });

    it("lines up as plain text: every row of the table has the same length", () => {
        const table = text.split("\n").filter((l) => l.startsWith("|"));
        assert.equal(new Set(table.map((l) => l.length)).size, 1, table.join("\n"));
    });

    it("an update, and a resource the preview says nothing of", () => {
        const t = previewPlanMarkdown({ plan, outlook: new Map([[`isolate-${IDS.a}`, { change: "update" }]]) });
        assert.match(t, /update in place \(comment or isolation type: see the engine's plan\); also in INC-2044/);
        assert.match(t, /Selective\s+\| declared \(what changes is not known in this preview\)/);
        assert.match(t, /0 to isolate, 1 to update, 0 unchanged, 1 not known, 1 no longer declared/);
    });

    it("a device name from Defender cannot inject a row or markup", () => {
        const t = previewPlanMarkdown({ plan, outlook, names: new Map([[IDS.a, "evil\n| x | y | z | w |\n<script>"]]) });
        assert.equal(t.split("\n").filter((l) => l.startsWith("|")).length, 2 + 4);
        assert.match(t, /evil \\\| x \\\| y \\\| z \\\| w \\\| \\<script\\>/);
    });
});
