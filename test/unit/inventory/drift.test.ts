import assert from "node:assert/strict";
import { driftReport, type DeviceIsolationStatus, type IsolationStateName } from "../../../provider/inventory";

const id = (c: string) => c.repeat(40);

function row(c: string, state: IsolationStateName, name = `${c}.contoso.com`): DeviceIsolationStatus {
    return {
        machineId: id(c),
        computerDnsName: name,
        state,
        isolationType: state === "released" ? null : "Full",
        since: null,
        actionId: `00000000-0000-4000-8000-00000000000${c}`,
        actionType: "Isolate",
        actionStatus: "Succeeded",
        requestor: null,
        requestSource: null,
        pending: [],
        device: null,
    };
}

describe("inventory/drift", () => {
    const rows = [row("a", "isolated"), row("b", "isolating"), row("c", "releasing"), row("d", "released"), row("e", "isolated")];

    it("marks each device declared by id or by name (case-insensitive), with its sources", () => {
        const { devices } = driftReport(rows, [
            { machineId: id("a"), source: "INC-2" },
            { computerDnsName: "A.CONTOSO.COM", source: "INC-1" },
            { machineId: id("c"), source: "stack prod" },
        ]);
        assert.deepEqual(
            devices.map((d) => [d.machineId[0], d.declared, d.declaredIn]),
            [
                ["a", true, ["INC-1", "INC-2"]],
                ["b", false, []],
                ["c", true, ["stack prod"]],
                ["d", false, []],
                ["e", false, []],
            ],
        );
    });

    it("untracked: isolated or isolating and declared nowhere", () => {
        const { drift } = driftReport(rows, [{ machineId: id("a"), source: "INC-1" }]);
        assert.deepEqual(drift.untracked, [id("b"), id("e")]);
    });

    it("not isolated: declared, and released, being released or never isolated", () => {
        const { drift } = driftReport(rows, [
            { machineId: id("a"), source: "INC-1" },
            { machineId: id("c"), source: "INC-1" },
            { machineId: id("d"), source: "stack prod" },
            { machineId: id("f"), source: "INC-9" },
            { computerDnsName: "nowhere.contoso.com", source: "INC-9" },
            { computerDnsName: "b.contoso.com", source: "INC-3" },
        ]);
        assert.deepEqual(drift.notIsolated, [
            { machineId: id("c"), declaredIn: ["INC-1"], state: "releasing" },
            { machineId: id("d"), declaredIn: ["stack prod"], state: "released" },
            { machineId: id("f"), declaredIn: ["INC-9"], state: "noAction" },
            { computerDnsName: "nowhere.contoso.com", declaredIn: ["INC-9"], state: "noAction" },
        ]);
        assert.deepEqual(drift.untracked, [id("e")]);
    });

    it("a name shared by two records counts as isolated when either is", () => {
        const { drift } = driftReport(
            [row("a", "released", "dup.contoso.com"), row("b", "isolated", "dup.contoso.com")],
            [{ computerDnsName: "dup.contoso.com", source: "INC-1" }],
        );
        assert.deepEqual(drift, { untracked: [], notIsolated: [] });
    });

    it("with a --machine scope, only the devices asked for are reported not isolated", () => {
        const declarations = [
            { machineId: id("d"), source: "INC-1" },
            { machineId: id("f"), source: "INC-1" },
            { computerDnsName: "g.contoso.com", source: "INC-1" },
        ];
        const { drift } = driftReport([row("d", "released")], declarations, { machineIds: new Set([id("d")]), names: new Set(["g.contoso.com"]) });
        assert.deepEqual(
            drift.notIsolated.map((n) => n.machineId ?? n.computerDnsName),
            [id("d"), "g.contoso.com"],
        );
    });

    describe("one device declared by id in one source and by name in another is counted once", () => {
        it("linked by the declaration that carries both (a stack's state), even with no action in Defender", () => {
            const { drift } = driftReport(
                [],
                [
                    { computerDnsName: "G.contoso.com", source: "INC-1" },
                    { machineId: id("g"), computerDnsName: "g.contoso.com", source: "stack prod" },
                ],
            );
            assert.deepEqual(drift.notIsolated, [
                { machineId: id("g"), computerDnsName: "g.contoso.com", declaredIn: ["INC-1", "stack prod"], state: "noAction" },
            ]);
        });

        it("linked by Defender's one record of that name", () => {
            const { drift } = driftReport(
                [row("d", "released")],
                [
                    { computerDnsName: "d.contoso.com", source: "INC-1" },
                    { machineId: id("d"), source: "stack prod" },
                ],
            );
            assert.deepEqual(drift.notIsolated, [
                { machineId: id("d"), computerDnsName: "d.contoso.com", declaredIn: ["INC-1", "stack prod"], state: "released" },
            ]);
        });

        it("a name of two records (re-onboarded) stays its own entry", () => {
            const { drift } = driftReport(
                [row("a", "released", "dup.contoso.com"), row("b", "released", "dup.contoso.com")],
                [
                    { computerDnsName: "dup.contoso.com", source: "INC-1" },
                    { machineId: id("a"), source: "stack prod" },
                ],
            );
            assert.deepEqual(
                drift.notIsolated.map((n) => [n.machineId ?? n.computerDnsName, n.declaredIn]),
                [
                    [id("a"), ["stack prod"]],
                    ["dup.contoso.com", ["INC-1"]],
                ],
            );
        });

        it("a name whose device is isolated under another record is not merged into a released id", () => {
            const { drift } = driftReport(
                [row("a", "released", "dup.contoso.com"), row("b", "isolated", "dup.contoso.com")],
                [
                    { computerDnsName: "dup.contoso.com", source: "INC-1" },
                    { machineId: id("a"), computerDnsName: "dup.contoso.com", source: "stack prod" },
                ],
            );
            assert.deepEqual(drift.notIsolated, [{ machineId: id("a"), declaredIn: ["stack prod"], state: "released" }]);
        });
    });

    it("no declaration: everything held is untracked", () => {
        assert.deepEqual(driftReport(rows, []).drift, { untracked: [id("a"), id("b"), id("e")], notIsolated: [] });
    });
});
