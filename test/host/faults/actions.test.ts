/**
 * What Defender does to actions and devices while the provider works: actions ending Failed, TimeOut
 * or Cancelled, devices deleted, isolations and releases out of band, answers lost after the action
 * was performed, listings that lag, requests merged into one action, status polls failing. Each
 * scenario runs through the real provider host and ends with the five invariants.
 */
import { strict as assert } from "assert";
import { DEFAULT_DEVICES, type MachineActionJson, type RuntimeOptions } from "../../../emulator";
import {
    actionsOf,
    assertFailed as failed,
    FAST_ACTIONS as FAST,
    SLOW_ACTIONS as SLOW,
    sleep,
    whenWaiting as waitingFor,
} from "../../../testkit/faults/faultHelpers";
import type { DeviceIsolationArgs } from "../../../provider";
import { journey } from "../../../testkit/faults/faultJourney";
import { describeScenarios, type Scenario } from "../../../testkit/faults/faultLanes";
import type { Command, Rig } from "../../../testkit/faults/faultRig";
import { urnFor } from "../../../testkit/host/providerHost";
import { RESOURCE_TYPE } from "../../../testkit/world";

const LAPTOP = DEFAULT_DEVICES.finLaptop;
const OFFLINE = DEFAULT_DEVICES.offlineLaptop;
const actions = (rig: Rig, type: "Isolate" | "Unisolate", machineId: string = LAPTOP.id) => actionsOf(rig, type, machineId);
const whenWaiting = (rig: Rig, cmd: Command, type: "Isolate" | "Unisolate"): Promise<MachineActionJson> => waitingFor(rig, cmd, type, LAPTOP.id);
const laptop = (overrides: Partial<DeviceIsolationArgs> = {}): DeviceIsolationArgs => ({ machineId: LAPTOP.id, comment: "INC-7 beacon", ...overrides });
const scenarios: Scenario[] = [];
const scenario = (title: string, run: (rig: Rig) => Promise<void>) => scenarios.push({ title, run });

for (const status of ["Failed", "TimeOut", "Cancelled"] as const) {
    scenario(`the isolate ends ${status} while create waits: create fails, nothing is recorded, the next run isolates`, async (rig) => {
        rig.emulator.configure(SLOW);
        const result = await journey(rig, "laptop", laptop(), {
            during: {
                create: async (r, cmd) => {
                    const action = await whenWaiting(r, cmd, "Isolate");
                    r.emulator.configure(FAST);
                    r.emulator.forceAction(action.id, status);
                },
            },
        });
        failed(result.first.create, new RegExp(`ended ${status}.*nothing was recorded`));
        assert.equal(actions(rig, "Isolate").length, 2, "the failed isolate, then the next run's");
        rig.assertInvariants();
    });

    scenario(`the release ends ${status} while delete waits: delete fails, the resource stays, the next run releases`, async (rig) => {
        const result = await journey(rig, "laptop", laptop(), {
            noRefresh: true,
            before: { delete: (r) => void r.emulator.configure(SLOW) },
            during: {
                delete: async (r, cmd) => {
                    const release = await whenWaiting(r, cmd, "Unisolate");
                    r.emulator.configure(FAST);
                    r.emulator.forceAction(release.id, status);
                },
            },
        });
        failed(result.first.delete, new RegExp(`ended ${status}.*stays in state`));
        assert.equal(rig.emulator.machine(LAPTOP.id)?.isolation.isolated, false);
        rig.assertInvariants();
    });
}

scenario("an offline device's isolate times out after three days: create fails and records nothing", async (rig) => {
    rig.emulator.configure({ offlineTimeoutMs: 300 });
    const result = await rig.command((cmd) => cmd.create("offline", { machineId: OFFLINE.id, comment: "INC-7" }));
    failed(result, /ended TimeOut \(the device did not connect in time\)/);
    assert.equal(rig.ledger.state.size, 0);
    rig.assertInvariants();
});

scenario("still pending at completionTimeoutSeconds: create records it with a warning, destroy cancels it", async (rig) => {
    const result = await journey(rig, "offline", { machineId: OFFLINE.id, comment: "INC-7", completionTimeoutSeconds: 1 });
    assert.ok(result.first.create?.ok);
    assert.equal(result.first.create.properties.status, "Pending");
    assert.match(rig.hostOutput().join("\n"), /still Pending after 1s/);
    assert.equal(actions(rig, "Isolate", OFFLINE.id)[0].status, "Cancelled");
    assert.deepEqual(actions(rig, "Unisolate", OFFLINE.id), []);
    rig.assertInvariants();
});

scenario("the device is deleted before create: refused, nothing sent", async (rig) => {
    rig.emulator.deleteMachine(LAPTOP.id);
    const result = await rig.command((cmd) => cmd.create("laptop", laptop()));
    failed(result, /knows no device with this machineId.*Nothing was isolated/);
    assert.deepEqual(actions(rig, "Isolate"), []);
    rig.assertInvariants();
});

scenario("the device is deleted while create waits: recorded, then refresh forgets it", async (rig) => {
    rig.emulator.configure(SLOW);
    const result = await journey(rig, "laptop", laptop(), {
        during: {
            create: async (r, cmd) => {
                const action = await whenWaiting(r, cmd, "Isolate");
                r.emulator.deleteMachine(LAPTOP.id);
                r.emulator.forceAction(action.id, "Succeeded");
            },
        },
    });
    assert.ok(result.first.create?.ok);
    assert.equal(result.first.read?.ok && result.first.read.id, "", "refresh drops it");
    assert.equal(result.first.delete, undefined, "nothing left to destroy");
    rig.assertInvariants();
});

scenario("the device is deleted before destroy: delete succeeds without a release", async (rig) => {
    await journey(rig, "laptop", laptop(), { noRefresh: true, before: { delete: (r) => r.emulator.deleteMachine(LAPTOP.id) } });
    assert.deepEqual(actions(rig, "Unisolate"), []);
    rig.assertInvariants();
});

scenario("released out of band: refresh forgets it, the next up isolates again, destroy releases", async (rig) => {
    await rig.command((cmd) => cmd.create("laptop", laptop()));
    rig.emulator.releaseOutOfBand(LAPTOP.id);
    const read = await rig.command((cmd) => cmd.read("laptop"));
    assert.ok(read.ok && read.id === "", "refresh drops it");
    await journey(rig, "laptop", laptop(), { noRefresh: true });
    assert.equal(actions(rig, "Isolate").filter((a) => a.requestSource === "PublicApi").length, 2);
    assert.equal(rig.emulator.machine(LAPTOP.id)?.isolation.isolated, false);
    rig.assertInvariants();
});

scenario("released out of band before destroy, without refresh: no second release", async (rig) => {
    await journey(rig, "laptop", laptop(), { noRefresh: true, before: { delete: (r) => void r.emulator.releaseOutOfBand(LAPTOP.id) } });
    assert.deepEqual(
        actions(rig, "Unisolate").map((a) => a.requestSource),
        ["Portal"],
    );
    rig.assertInvariants();
});

scenario("released outside the API (no trace): refresh keeps it, destroy sends one release", async (rig) => {
    await journey(rig, "laptop", laptop(), { before: { read: (r) => void r.emulator.releaseOutOfBand(LAPTOP.id, { traceless: true }) } });
    assert.equal(actions(rig, "Unisolate").length, 1);
    rig.assertInvariants();
});

scenario("isolated out of band: create adopts it, destroy releases it", async (rig) => {
    const { action } = rig.emulator.isolateOutOfBand(LAPTOP.id);
    const result = await journey(rig, "laptop", laptop());
    assert.equal(result.first.create?.ok && result.first.create.id, action?.id);
    assert.equal(actions(rig, "Isolate").length, 1);
    assert.equal(rig.emulator.machine(LAPTOP.id)?.isolation.isolated, false);
    rig.assertInvariants();
});

scenario("isolated out of band with another type: create refuses and sends nothing", async (rig) => {
    rig.emulator.isolateOutOfBand(LAPTOP.id, { isolationType: "Selective" });
    const result = await rig.command((cmd) => cmd.create("laptop", laptop()));
    failed(result, /already has a current Selective isolation.*Set isolationType: Selective/);
    assert.equal(rig.emulator.requests().filter((r) => r.method === "POST" && r.route !== "token").length, 0);
    rig.assertInvariants();
});

scenario("a pending isolate of another type (no scope while pending) is adopted, then refused once its type shows", async (rig) => {
    const selective = await rig.command((cmd) =>
        cmd.create("selective", { machineId: OFFLINE.id, comment: "INC-7", isolationType: "Selective", waitForCompletion: false }),
    );
    assert.ok(selective.ok);
    const full = await rig.command(async (cmd) => {
        const creating = cmd.create("full", { computerDnsName: OFFLINE.computerDnsName, comment: "INC-7", isolationType: "Full" });
        await cmd.nextLine(/adopting the pending isolate/);
        rig.emulator.setOnline(OFFLINE.id, true); // it runs, and shows its type
        return creating;
    });
    failed(full, /turned out to be a Selective isolation.*Nothing was recorded/);
    assert.equal(actions(rig, "Isolate", OFFLINE.id).length, 1);
    await rig.command((cmd) => cmd.delete("selective"));
    rig.assertInvariants();
});

scenario("the isolate's answer is lost after it was performed: create adopts it", async (rig) => {
    rig.inject({ route: "isolate", kind: "dropAfterPerform" });
    const result = await journey(rig, "laptop", laptop());
    assert.ok(result.first.create?.ok);
    assert.equal(actions(rig, "Isolate").length, 1);
    rig.assertInvariants();
});

scenario("the release's answer is lost after it was performed: delete adopts it", async (rig) => {
    const result = await journey(rig, "laptop", laptop(), { before: { delete: (r) => void r.inject({ route: "unisolate", kind: "dropAfterPerform" }) } });
    assert.ok(result.first.delete?.ok);
    assert.equal(actions(rig, "Unisolate").length, 1);
    rig.assertInvariants();
});

scenario("the cancel's answer is lost after it was performed: delete fails, the next run finds it cancelled", async (rig) => {
    const result = await journey(
        rig,
        "offline",
        { machineId: OFFLINE.id, comment: "INC-7", waitForCompletion: false },
        {
            before: { delete: (r) => void r.inject({ route: "cancelAction", kind: "dropAfterPerform" }) },
        },
    );
    failed(result.first.delete, /cancelling the pending isolate .* failed/);
    assert.equal(actions(rig, "Isolate", OFFLINE.id)[0].status, "Cancelled");
    assert.deepEqual(actions(rig, "Unisolate", OFFLINE.id), []);
    rig.assertInvariants();
});

scenario("a lost answer and a listing lagging 1 s: create still adopts, within its listing attempts", async (rig) => {
    rig.emulator.configure({ quirks: { indexingLagMs: 1000 } });
    rig.inject({ route: "isolate", kind: "dropAfterPerform" });
    const result = await journey(rig, "laptop", laptop());
    assert.ok(result.first.create?.ok);
    assert.equal(actions(rig, "Isolate").length, 1);
    rig.assertInvariants();
});

scenario(
    "a lost answer and a listing lagging past every attempt: the isolate is sent once more (the documented residual duplicate) and that one is recorded",
    async (rig) => {
        rig.emulator.configure({ quirks: { indexingLagMs: 60_000 } });
        rig.inject({ route: "isolate", kind: "dropAfterPerform" });
        const first = await rig.command((cmd) => cmd.create("laptop", laptop()));
        assert.ok(first.ok, first.ok ? "" : first.error.message);
        const isolates = actions(rig, "Isolate");
        assert.equal(isolates.length, 2, "the lost one, completed unseen, and the one sent once more");
        assert.equal(first.id, isolates[1].id, "the second is recorded; the first is superseded");
        rig.emulator.configure({ quirks: { indexingLagMs: 0 } }); // delete releases only once the listing shows ours
        await rig.command((cmd) => cmd.delete("laptop"));
        assert.equal(rig.emulator.machine(LAPTOP.id)?.isolation.isolated, false);
        rig.assertInvariants();
    },
);

scenario(
    "a lost answer and an offline device whose listing lags past every attempt: the one more isolate is refused as a duplicate and the pending one adopted",
    async (rig) => {
        rig.emulator.configure({ quirks: { indexingLagMs: 3_500 } });
        rig.inject({ route: "isolate", kind: "dropAfterPerform" });
        const first = await rig.command((cmd) => cmd.create("offline", { machineId: OFFLINE.id, comment: "INC-7", waitForCompletion: false }));
        assert.ok(first.ok, first.ok ? "" : first.error.message);
        assert.equal(actions(rig, "Isolate", OFFLINE.id).length, 1, "never a second isolate while one is pending");
        assert.equal(first.id, actions(rig, "Isolate", OFFLINE.id)[0].id);
        await rig.command((cmd) => cmd.delete("offline"));
        rig.assertInvariants();
    },
);

scenario(
    "a listing lagging behind a fresh isolate: destroy right after up releases nothing until the listing shows it (what came after it is unseen), then releases it",
    async (rig) => {
        rig.emulator.configure({ quirks: { indexingLagMs: 60_000 } });
        await rig.command((cmd) => cmd.create("laptop", laptop({ completionTimeoutSeconds: 3 })));
        const early = await rig.command((cmd) => cmd.delete("laptop"));
        assert.ok(!early.ok, "fails closed while the listing lacks our isolate");
        assert.match(early.error.message, /does not show .* yet.*stays in state/);
        assert.equal(rig.emulator.machine(LAPTOP.id)?.isolation.isolated, true);
        rig.emulator.configure({ quirks: { indexingLagMs: 0 } }); // the listing catches up
        const result = await rig.command((cmd) => cmd.delete("laptop"));
        assert.ok(result.ok, result.ok ? "" : result.error.message);
        assert.equal(rig.emulator.machine(LAPTOP.id)?.isolation.isolated, false, "released, not taken for already released");
        rig.assertInvariants();
    },
);

scenario("a listing lagging behind a fresh isolate after an earlier release: refresh keeps it", async (rig) => {
    await rig.command((cmd) => cmd.create("first", laptop()));
    await rig.command((cmd) => cmd.delete("first")); // the first isolate and its release are listed
    rig.emulator.configure({ quirks: { indexingLagMs: 60_000 } });
    await rig.command((cmd) => cmd.create("laptop", laptop()));
    const read = await rig.command((cmd) => cmd.read("laptop"));
    assert.ok(read.ok && read.id !== "", "the fresh isolation is kept, not taken for released by the older release");
    rig.emulator.configure({ quirks: { indexingLagMs: 0 } }); // delete releases only once the listing shows ours
    await rig.command((cmd) => cmd.delete("laptop"));
    rig.assertInvariants();
});

scenario("a pending isolate hidden by lag: the second request is refused as a duplicate and create adopts", async (rig) => {
    rig.emulator.configure({ quirks: { indexingLagMs: 2000 } });
    const first = await rig.command((cmd) => cmd.create("a", { machineId: OFFLINE.id, comment: "INC-7", waitForCompletion: false }));
    const second = await rig.command((cmd) => cmd.create("b", { machineId: OFFLINE.id, comment: "INC-7", waitForCompletion: false }));
    assert.ok(first.ok && second.ok && first.id === second.id, "both declarations hold the one action");
    assert.equal(actions(rig, "Isolate", OFFLINE.id).length, 1);
    assert.ok(
        rig.emulator.requests().some((r) => r.route === "isolate" && r.status === 400),
        "the second isolate was refused as a duplicate",
    );
    await rig.command(async (cmd) => void (await Promise.all([cmd.delete("a"), cmd.delete("b")])));
    assert.equal(actions(rig, "Isolate", OFFLINE.id)[0].status, "Cancelled");
    rig.assertInvariants();
});

const MERGES: Array<[string, RuntimeOptions]> = [
    ["merged by Defender (mergeWindowMs)", { quirks: { mergeWindowMs: 5_000 } }],
    ["answered with the existing action (duplicates: returnExisting)", { duplicates: "returnExisting" }],
];
for (const [label, config] of MERGES) {
    scenario(`two declarations of one device created and destroyed at once, requests ${label}: one isolate, one release`, async (rig) => {
        rig.emulator.configure({ ...config, ...SLOW });
        const byName: DeviceIsolationArgs = { computerDnsName: LAPTOP.computerDnsName, comment: "INC-7 beacon", waitForCompletion: false };
        const [a, b] = await rig.command((cmd) => Promise.all([cmd.create("by-id", laptop({ waitForCompletion: false })), cmd.create("by-name", byName)]));
        assert.ok(a.ok && b.ok, "both created");
        assert.equal(actions(rig, "Isolate").length, 1, "one isolate action");
        rig.emulator.forceAction(actions(rig, "Isolate")[0].id, "Succeeded");
        await rig.command(async (cmd) => {
            const [da, db] = await Promise.all([cmd.delete("by-id", { waitForCompletion: false }), cmd.delete("by-name", { waitForCompletion: false })]);
            assert.ok(da.ok && db.ok, `both deleted: ${da.ok ? "" : da.error.message} ${db.ok ? "" : db.error.message}`);
        });
        assert.equal(actions(rig, "Unisolate").length, 1, "one release");
        rig.assertInvariants();
    });
}

scenario("status polls fail while create waits: create records the accepted isolate with a warning, refresh catches up", async (rig) => {
    rig.emulator.configure(SLOW);
    const result = await journey(rig, "laptop", laptop(), {
        during: {
            create: async (r, cmd) => {
                await whenWaiting(r, cmd, "Isolate");
                r.inject({ route: "listActions", kind: "status", status: 500, count: 1000 });
                r.inject({ route: "getAction", kind: "status", status: 500, count: 1000 });
            },
        },
        before: {
            read: (r) => {
                r.emulator.clearFaults();
                r.emulator.configure(FAST);
                r.emulator.forceAction(actions(r, "Isolate")[0].id, "Succeeded");
            },
        },
    });
    assert.ok(result.first.create?.ok, "create succeeds: an accepted isolation is recorded, never lost");
    assert.match(String(result.first.create.properties.status), /Pending|InProgress/);
    assert.match(rig.hostOutput().join("\n"), /was accepted but its status could not be read/);
    assert.equal(result.first.read?.ok && result.first.read.properties.status, "Succeeded");
    rig.assertInvariants();
});

scenario("status polls fail while delete waits: delete fails keeping the resource, the next run adopts the release", async (rig) => {
    const result = await journey(rig, "laptop", laptop(), {
        noRefresh: true,
        before: { delete: (r) => void r.emulator.configure(SLOW) },
        during: {
            delete: async (r, cmd) => {
                await whenWaiting(r, cmd, "Unisolate");
                r.inject({ route: "listActions", kind: "status", status: 500, count: 1000 });
                r.inject({ route: "getAction", kind: "status", status: 500, count: 1000 });
                // The release goes through meanwhile; the next run adopts it.
                await sleep(100);
                r.emulator.forceAction(actions(r, "Unisolate")[0].id, "Succeeded");
            },
        },
    });
    failed(result.first.delete, /accepted but its status could not be read.*stays in state/);
    assert.equal(actions(rig, "Unisolate").length, 1, "adopted, never sent twice");
    rig.assertInvariants();
});

// The ownership rules, end to end, each closed by the invariants (docs/robustness.md).
scenario("rule 1: an UnManagedDevice contain reported as Full, or as another action type, is recorded, refreshed and released", async (rig) => {
    const guest = DEFAULT_DEVICES.unmanagedLaptop;
    for (const quirks of [{ unmanagedContainScope: "Full" as const }, { unmanagedContainType: "ContainDevice", unmanagedContainScope: "none" as const }]) {
        rig.emulator.configure({ quirks });
        const result = await journey(rig, "guest", { machineId: guest.id, comment: "INC-7 guest", isolationType: "UnManagedDevice" });
        assert.ok(result.first.create?.ok, "recorded, not refused");
        assert.equal(rig.emulator.machine(guest.id)?.isolation.isolated, false, "released by destroy");
    }
    rig.assertInvariants();
});

scenario("rule 2: released behind our back, then isolated again by an analyst: refresh drops ours, destroy leaves theirs in place", async (rig) => {
    await rig.command((cmd) => cmd.create("laptop", laptop()));
    rig.emulator.releaseOutOfBand(LAPTOP.id);
    await sleep(20);
    rig.emulator.isolateOutOfBand(LAPTOP.id, { requestor: "analyst@contoso.com" });
    // destroy without refresh: delete must see that ours ended.
    const destroyed = await rig.command((cmd) => cmd.delete("laptop"));
    assert.ok(destroyed.ok, destroyed.ok ? "" : destroyed.error.message);
    assert.equal(rig.emulator.machine(LAPTOP.id)?.isolation.isolated, true, "the analyst's isolation stands");
    assert.deepEqual(
        actions(rig, "Unisolate").filter((a) => a.requestSource === "PublicApi"),
        [],
    );
    rig.assertInvariants();
});

scenario("rule 3: one device declared by machineId and by name; removing one declaration in a later up releases nothing", async (rig) => {
    const byName: DeviceIsolationArgs = { computerDnsName: LAPTOP.computerDnsName, comment: "INC-8" };
    await rig.command(async (cmd) => {
        await cmd.create("by-id", laptop());
        await cmd.create("by-name", byName);
    });
    const kept = rig.ledger.state.get("by-name");
    assert.ok(kept);
    await rig.command(async (cmd) => {
        // The engine diffs every declaration that stays, then deletes the removed one.
        const news = (await rig.register([["by-name", byName]])).get("by-name") as Record<string, unknown>;
        const checked = await cmd.host.check(urnFor(RESOURCE_TYPE, "by-name"), kept.properties, news);
        await cmd.host.diff(kept.id, urnFor(RESOURCE_TYPE, "by-name"), kept.properties, checked.inputs);
        const removed = await cmd.delete("by-id");
        assert.ok(removed.ok, removed.ok ? "" : removed.error.message);
    });
    assert.equal(rig.emulator.machine(LAPTOP.id)?.isolation.isolated, true);
    await rig.command((cmd) => cmd.delete("by-name"));
    assert.equal(rig.emulator.machine(LAPTOP.id)?.isolation.isolated, false, "the last declaration releases it");
    rig.assertInvariants();
});

scenario("rule 5: short machines pages at refresh and destroy: the device is neither dropped nor left isolated", async (rig) => {
    const short = () => void rig.inject({ route: "listMachines", kind: "shortPage", keepItems: 0, count: 3 });
    const result = await journey(rig, "laptop", laptop(), { before: { read: short, delete: short } });
    assert.ok(result.first.read?.ok && result.first.read.id !== "", "refresh keeps it");
    assert.equal(rig.emulator.machine(LAPTOP.id)?.isolation.isolated, false, "destroy released it");
    rig.assertInvariants();
});

describeScenarios("actions and devices changing under the provider", scenarios, { lanes: 4 });
