import assert from "node:assert/strict";
import type { ActionStatus, MachineAction } from "../../../provider/defender";
import { countStates, deviceStatus, deviceStatuses, type IsolationStateName } from "../../../provider/inventory";
import { actionId, machine, machineAction, MACHINE_ID, OTHER_MACHINE_ID } from "../defender/support/fixtures";

const T = (h: number) => `2024-05-01T${String(h).padStart(2, "0")}:00:00.0000000Z`;

/** Action n of MACHINE_ID: requested at hour `at`, last updated at `done` (default: same hour). */
function act(n: number, type: string, status: ActionStatus, at: number, done = at, extra: Partial<MachineAction> = {}): MachineAction {
    return machineAction({
        id: actionId(n),
        type,
        status,
        creationDateTimeUtc: T(at),
        lastUpdateDateTimeUtc: T(done),
        scope: type === "Isolate" ? "Full" : null,
        requestor: `user${n}@contoso.com`,
        requestSource: n % 2 === 0 ? "Portal" : "PublicApi",
        ...extra,
    });
}

interface Case {
    name: string;
    actions: MachineAction[];
    state: IsolationStateName;
    action: number;
    since: string | null;
    type: string | null;
    pending: number[];
}

const CASES: Case[] = [
    { name: "one Succeeded Isolate", actions: [act(1, "Isolate", "Succeeded", 1, 2)], state: "isolated", action: 1, since: T(2), type: "Full", pending: [] },
    {
        name: "Selective isolation keeps its type",
        actions: [act(1, "Isolate", "Succeeded", 1, 2, { scope: "Selective" })],
        state: "isolated",
        action: 1,
        since: T(2),
        type: "Selective",
        pending: [],
    },
    {
        name: "a pending Isolate (no scope reported yet)",
        actions: [act(1, "Isolate", "Pending", 3, 3, { scope: null })],
        state: "isolating",
        action: 1,
        since: T(3),
        type: null,
        pending: [1],
    },
    {
        name: "an InProgress Isolate after a release",
        actions: [act(1, "Isolate", "Succeeded", 1), act(2, "Unisolate", "Succeeded", 2), act(3, "Isolate", "InProgress", 3, 4)],
        state: "isolating",
        action: 3,
        since: T(3),
        type: "Full",
        pending: [3],
    },
    {
        name: "isolated, release pending",
        actions: [act(1, "Isolate", "Succeeded", 1, 2), act(2, "Unisolate", "Pending", 5)],
        state: "releasing",
        action: 2,
        since: T(5),
        type: "Full",
        pending: [2],
    },
    {
        name: "released",
        actions: [act(1, "Isolate", "Succeeded", 1, 2), act(2, "Unisolate", "Succeeded", 3, 4)],
        state: "released",
        action: 2,
        since: T(4),
        type: null,
        pending: [],
    },
    {
        name: "completion order decides, not request order",
        actions: [act(1, "Isolate", "Succeeded", 1, 9), act(2, "Unisolate", "Succeeded", 3, 4)],
        state: "isolated",
        action: 1,
        since: T(9),
        type: "Full",
        pending: [],
    },
    {
        name: "only a Failed isolate: released, never isolated",
        actions: [act(1, "Isolate", "Failed", 1, 2)],
        state: "released",
        action: 1,
        since: null,
        type: null,
        pending: [],
    },
    {
        name: "a Cancelled isolate after a release",
        actions: [act(1, "Isolate", "Succeeded", 1), act(2, "Unisolate", "Succeeded", 2, 3), act(3, "Isolate", "Cancelled", 4, 5)],
        state: "released",
        action: 2,
        since: T(3),
        type: null,
        pending: [],
    },
    {
        name: "released with a pending release (a no-op on its way)",
        actions: [act(1, "Unisolate", "Succeeded", 1), act(2, "Unisolate", "Pending", 2)],
        state: "released",
        action: 1,
        since: T(1),
        type: null,
        pending: [2],
    },
    {
        name: "released, both kinds pending: isolating",
        actions: [act(1, "Unisolate", "Succeeded", 1), act(2, "Isolate", "Pending", 2), act(3, "Unisolate", "Pending", 3)],
        state: "isolating",
        action: 2,
        since: T(2),
        type: "Full",
        pending: [2, 3],
    },
    {
        name: "isolated, both kinds pending: releasing",
        actions: [act(1, "Isolate", "Succeeded", 1), act(2, "Isolate", "Pending", 2), act(3, "Unisolate", "Pending", 3)],
        state: "releasing",
        action: 3,
        since: T(3),
        type: "Full",
        pending: [2, 3],
    },
    {
        name: "other action types are ignored",
        actions: [act(1, "Isolate", "Succeeded", 1), act(2, "RunAntiVirusScan", "Pending", 2), act(3, "CollectInvestigationPackage", "Succeeded", 3)],
        state: "isolated",
        action: 1,
        since: T(1),
        type: "Full",
        pending: [],
    },
];

describe("inventory/deviceStatus: every state", () => {
    for (const c of CASES) {
        it(`${c.name} → ${c.state}`, () => {
            for (const order of [c.actions, [...c.actions].reverse()]) {
                const row = deviceStatus(order);
                assert.ok(row);
                const picked = c.actions.find((a) => a.id === actionId(c.action)) as MachineAction;
                assert.deepEqual(
                    {
                        state: row.state,
                        actionId: row.actionId,
                        since: row.since,
                        isolationType: row.isolationType,
                        pending: row.pending.map((p) => p.actionId),
                    },
                    { state: c.state, actionId: actionId(c.action), since: c.since, isolationType: c.type, pending: c.pending.map(actionId) },
                );
                assert.deepEqual(
                    [row.requestor, row.requestSource, row.actionType, row.actionStatus],
                    [picked.requestor, picked.requestSource, picked.type, picked.status],
                );
                assert.equal(row.machineId, MACHINE_ID);
                assert.equal(row.device, null, "not looked up");
            }
        });
    }

    it("no Isolate or Unisolate: no row", () => {
        assert.equal(deviceStatus([act(1, "RunAntiVirusScan", "Succeeded", 1)]), undefined);
        assert.equal(deviceStatus([]), undefined);
    });

    it("a device looked up carries its current name and health; null means Defender no longer knows it", () => {
        const a = act(1, "Isolate", "Succeeded", 1, 1, { computerDnsName: "old-name.contoso.com" });
        const found = deviceStatus([a], machine({ computerDnsName: "new-name.contoso.com", healthStatus: "Inactive", lastSeen: T(0) }));
        assert.deepEqual([found?.computerDnsName, found?.device], ["new-name.contoso.com", { found: true, healthStatus: "Inactive", lastSeen: T(0) }]);
        const gone = deviceStatus([a], null);
        assert.deepEqual([gone?.computerDnsName, gone?.device], ["old-name.contoso.com", { found: false, healthStatus: null, lastSeen: null }]);
    });
});

describe("inventory/deviceStatuses: the fleet", () => {
    const other = (n: number, type: string, status: ActionStatus, at: number, name: string) =>
        act(n, type, status, at, at, { machineId: OTHER_MACHINE_ID.toUpperCase(), computerDnsName: name });

    it("one row per device, each action once, sorted isolating, isolated, releasing, released", () => {
        const third = "3".repeat(40);
        const rows = deviceStatuses([
            act(1, "Isolate", "Succeeded", 1),
            act(2, "Unisolate", "Succeeded", 2),
            other(3, "Isolate", "Succeeded", 1, "b.contoso.com"),
            other(3, "Isolate", "Succeeded", 1, "b.contoso.com"),
            act(4, "Isolate", "Pending", 3, 3, { machineId: third, computerDnsName: "c.contoso.com" }),
        ]);
        assert.deepEqual(
            rows.map((r) => [r.machineId, r.state]),
            [
                [third, "isolating"],
                [OTHER_MACHINE_ID, "isolated"],
                [MACHINE_ID, "released"],
            ],
        );
        assert.deepEqual(countStates(rows), { isolated: 1, isolating: 1, releasing: 0, released: 1 });
    });

    it("devices looked up are matched by id whatever its case", () => {
        const rows = deviceStatuses(
            [other(1, "Isolate", "Succeeded", 1, "b.contoso.com")],
            new Map([[OTHER_MACHINE_ID, machine({ id: OTHER_MACHINE_ID, healthStatus: "Active" })]]),
        );
        assert.equal(rows[0].device?.found, true);
    });
});
