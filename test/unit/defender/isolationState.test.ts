import assert from "node:assert/strict";
import { ACTION_STATUSES, compareTimestamps, isDefenderApiError, isolationState, type ActionStatus, type MachineAction } from "../../../provider/defender";
import { actionId, machineAction, OTHER_MACHINE_ID } from "./support/fixtures";

const T0 = "2024-05-01T10:00:00.0000000Z";
const T1 = "2024-05-01T11:00:00.0000000Z";
const inFlight = (s: string) => s === "Pending" || s === "InProgress";

function action(n: number, type: string, status: ActionStatus, created: string, updated: string | null = created): MachineAction {
    return machineAction({ id: actionId(n), type, status, creationDateTimeUtc: created, lastUpdateDateTimeUtc: updated });
}

describe("defender/isolationState", () => {
    it("no actions: not isolated, nothing current or in flight", () => {
        assert.deepEqual(isolationState([]), { isolated: false });
    });

    describe("one action of every type and status", () => {
        for (const type of ["Isolate", "Unisolate", "RunAntiVirusScan"]) {
            for (const status of ACTION_STATUSES) {
                it(`${type} ${status}`, () => {
                    const a = action(1, type, status, T0);
                    const counted = type !== "RunAntiVirusScan";
                    const expected: Record<string, unknown> = { isolated: counted && type === "Isolate" && status === "Succeeded" };
                    if (counted && status === "Succeeded") expected.current = a;
                    if (counted && inFlight(status)) {
                        expected.inFlight = a;
                        expected.pending = [a];
                    }
                    assert.deepEqual(isolationState([a]), expected);
                });
            }
        }
    });

    describe("an older and a newer action, every type × status, both input orders", () => {
        for (const olderType of ["Isolate", "Unisolate"]) {
            for (const olderStatus of ACTION_STATUSES) {
                for (const newerType of ["Isolate", "Unisolate"]) {
                    for (const newerStatus of ACTION_STATUSES) {
                        it(`${olderType} ${olderStatus} then ${newerType} ${newerStatus}`, () => {
                            const older = action(1, olderType, olderStatus, T0);
                            const newer = action(2, newerType, newerStatus, T1);
                            // The Succeeded one that finished last decides; every pending one is on its way.
                            const current = newerStatus === "Succeeded" ? newer : olderStatus === "Succeeded" ? older : undefined;
                            const expected: Record<string, unknown> = { isolated: current?.type === "Isolate" };
                            if (current) expected.current = current;
                            const pending = [older, newer].filter((a) => inFlight(a.status));
                            if (pending.length > 0) {
                                expected.inFlight = pending[pending.length - 1];
                                expected.pending = pending;
                            }
                            assert.deepEqual(isolationState([older, newer]), expected);
                            assert.deepEqual(isolationState([newer, older]), expected);
                        });
                    }
                }
            }
        }
    });

    it("the reported race: isolate, isolate, unisolate, unisolate completing as isolate, unisolate, unisolate, isolate", () => {
        const asked = ["2024-05-01T10:00:00Z", "2024-05-01T10:00:01Z", "2024-05-01T10:00:02Z", "2024-05-01T10:00:03Z"];
        // Before the second isolate lands: released for now, but that isolate is on its way.
        const midway = isolationState([
            action(1, "Isolate", "Succeeded", asked[0], "2024-05-01T10:00:05Z"),
            action(2, "Isolate", "Pending", asked[1], asked[1]),
            action(3, "Unisolate", "Succeeded", asked[2], "2024-05-01T10:00:06Z"),
            action(4, "Unisolate", "Succeeded", asked[3], "2024-05-01T10:00:07Z"),
        ]);
        assert.equal(midway.isolated, false);
        assert.equal(midway.current?.id, actionId(4));
        assert.equal(midway.inFlight?.id, actionId(2));
        // Once it lands, last: the device is isolated, although the newest request was a release.
        const final = isolationState([
            action(1, "Isolate", "Succeeded", asked[0], "2024-05-01T10:00:05Z"),
            action(2, "Isolate", "Succeeded", asked[1], "2024-05-01T10:00:08Z"),
            action(3, "Unisolate", "Succeeded", asked[2], "2024-05-01T10:00:06Z"),
            action(4, "Unisolate", "Succeeded", asked[3], "2024-05-01T10:00:07Z"),
        ]);
        assert.equal(final.isolated, true);
        assert.equal(final.current?.id, actionId(2));
        assert.equal(final.inFlight, undefined);
    });

    it("an old pending action still counts: it can complete after newer ones", () => {
        const state = isolationState([action(1, "Unisolate", "Pending", T0), action(2, "Isolate", "Succeeded", T1)]);
        assert.equal(state.isolated, true);
        assert.equal(state.inFlight?.id, actionId(1));
    });

    it("ignores other action types, even newer Succeeded ones", () => {
        const state = isolationState([
            action(1, "Isolate", "Succeeded", T0),
            action(2, "RunAntiVirusScan", "Succeeded", T1),
            action(3, "CollectInvestigationPackage", "Pending", T1),
        ]);
        assert.deepEqual(state, { isolated: true, current: action(1, "Isolate", "Succeeded", T0) });
    });

    describe("ordering", () => {
        it("compares all seven fractional digits Defender sends", () => {
            const a = action(1, "Isolate", "Succeeded", "2024-05-01T10:00:00.1234567Z");
            const b = action(2, "Unisolate", "Succeeded", "2024-05-01T10:00:00.1234568Z");
            assert.equal(isolationState([b, a]).current?.id, actionId(2));
            assert.equal(isolationState([a, b]).isolated, false);
        });

        it("finished actions are ordered by when they finished (lastUpdateDateTimeUtc, else creation)", () => {
            const a = action(1, "Unisolate", "Succeeded", T0, "2024-05-01T10:05:00Z");
            const b = action(2, "Isolate", "Succeeded", T0, "2024-05-01T10:01:00Z");
            assert.equal(isolationState([a, b]).current?.id, actionId(1));
            const c = action(3, "Isolate", "Succeeded", T0, null);
            assert.equal(isolationState([c, b]).current?.id, actionId(2));
        });

        it("then by id", () => {
            const a = action(10, "Isolate", "Succeeded", T0);
            const b = action(11, "Unisolate", "Succeeded", T0);
            assert.equal(isolationState([b, a]).current?.id, actionId(11));
            assert.equal(isolationState([a, b]).isolated, false);
        });

        it("reads a timestamp without a zone as UTC and other offsets exactly", () => {
            assert.equal(compareTimestamps("2024-05-01T10:00:00", "2024-05-01T10:00:00Z"), 0);
            assert.ok(compareTimestamps("2024-05-01T10:00:00+02:00", "2024-05-01T09:00:00Z") < 0);
            assert.ok(compareTimestamps(null, "2024-05-01T09:00:00Z") < 0);
            assert.ok(compareTimestamps("garbage", "2024-05-01T09:00:00Z") < 0);
        });
    });

    it("refuses actions of several devices", () => {
        const other = machineAction({ id: actionId(9), machineId: OTHER_MACHINE_ID, status: "Succeeded" });
        assert.throws(
            () => isolationState([action(1, "Isolate", "Succeeded", T0), other]),
            (e: unknown) => isDefenderApiError(e) && /takes the actions of one device; got actions of 2 devices/.test(e.message),
        );
    });

    it("answers plain JSON", () => {
        const state = isolationState([action(1, "Isolate", "Succeeded", T0), action(2, "Unisolate", "Pending", T1)]);
        assert.deepEqual(JSON.parse(JSON.stringify(state)), state);
    });
});
