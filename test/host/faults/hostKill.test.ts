/**
 * The provider host killed (SIGKILL) in the middle of an operation, and the operation run again by a
 * fresh host process, as the user's next `pulumi up` or `destroy` would: the new process knows
 * nothing of the old one, and must adopt what Defender holds instead of sending it again.
 */
import { strict as assert } from "assert";
import { DEFAULT_DEVICES } from "../../../emulator";
import type { DeviceIsolationArgs } from "../../../provider";
import { actionsOf, FAST_ACTIONS, SLOW_ACTIONS, sleep, whenWaiting } from "../../../testkit/faults/faultHelpers";
import { describeScenarios, type Scenario } from "../../../testkit/faults/faultLanes";
import type { OpResult, Rig } from "../../../testkit/faults/faultRig";

const LAPTOP = DEFAULT_DEVICES.finLaptop;
const OFFLINE = DEFAULT_DEVICES.offlineLaptop;
/** How long Defender takes to act on the in-flight isolate request after it arrived. */
const IN_FLIGHT_MS = 1500;

/** Polls until `probe` holds (bounded). */
async function until(what: string, probe: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!probe()) {
        if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
        await sleep(20);
    }
}

/** Starts `run` on a new host, kills the host (SIGKILL) once `when` resolves, and returns the failed result. */
async function killedDuring(
    rig: Rig,
    run: (cmd: ReturnType<Rig["commandOn"]>) => Promise<OpResult>,
    when: (cmd: ReturnType<Rig["commandOn"]>) => Promise<unknown>,
): Promise<OpResult> {
    const host = await rig.startHost();
    const cmd = rig.commandOn(host);
    const running = run(cmd);
    await when(cmd);
    host.kill("SIGKILL");
    const result = await running;
    assert.ok(!result.ok, "the killed host's operation did not complete");
    await host.exited();
    return result;
}

const isolateArrived = (rig: Rig) => until("the isolate request reached Defender", () => rig.emulator.faults().length === 0);

const scenarios: Scenario[] = [
    {
        title: "killed while its isolate request is in flight; run again once Defender acted on it: the fresh host adopts it, one action",
        async run(rig) {
            const args: DeviceIsolationArgs = { machineId: LAPTOP.id, comment: "INC-3" };
            rig.inject({ route: "isolate", kind: "delay", delayMs: IN_FLIGHT_MS });
            await killedDuring(
                rig,
                (cmd) => cmd.create("laptop", args),
                () => isolateArrived(rig),
            );
            await until("Defender acted on the request", () => actionsOf(rig, "Isolate", LAPTOP.id).length === 1);
            const again = await rig.command((cmd) => cmd.create("laptop", args), { fresh: true });
            assert.ok(again.ok, again.ok ? "" : again.error.message);
            assert.equal(again.id, actionsOf(rig, "Isolate", LAPTOP.id)[0].id, "adopted");
            await rig.command((cmd) => cmd.delete("laptop"), { fresh: true });
            assert.equal(actionsOf(rig, "Isolate", LAPTOP.id).length, 1);
            assert.equal(rig.emulator.machine(LAPTOP.id)?.isolation.isolated, false);
            rig.assertInvariants();
        },
    },
    {
        title: "killed while its isolate request is in flight; run again at once on an offline device: whichever lands first, one action",
        async run(rig) {
            const args: DeviceIsolationArgs = { machineId: OFFLINE.id, comment: "INC-3", waitForCompletion: false };
            rig.inject({ route: "isolate", kind: "delay", delayMs: IN_FLIGHT_MS });
            await killedDuring(
                rig,
                (cmd) => cmd.create("offline", args),
                () => isolateArrived(rig),
            );
            const again = await rig.command((cmd) => cmd.create("offline", args), { fresh: true });
            assert.ok(again.ok, again.ok ? "" : again.error.message);
            await until("Defender handled the killed host's request", () => rig.emulator.requests().some((r) => r.route === "isolate" && r.fault === "delay"));
            assert.equal(actionsOf(rig, "Isolate", OFFLINE.id).length, 1, "the later request was refused as a duplicate or adopted");
            await rig.command((cmd) => cmd.delete("offline"), { fresh: true });
            assert.equal(actionsOf(rig, "Isolate", OFFLINE.id)[0].status, "Cancelled");
            rig.assertInvariants();
        },
    },
    {
        title: "killed while create waits for the isolate to complete: the fresh host adopts the pending isolate",
        async run(rig) {
            const args: DeviceIsolationArgs = { machineId: LAPTOP.id, comment: "INC-3" };
            rig.emulator.configure(SLOW_ACTIONS);
            await killedDuring(
                rig,
                (cmd) => cmd.create("laptop", args),
                (cmd) => whenWaiting(rig, cmd, "Isolate", LAPTOP.id),
            );
            const pending = actionsOf(rig, "Isolate", LAPTOP.id)[0];
            const again = await rig.command(
                async (cmd) => {
                    const creating = cmd.create("laptop", args);
                    await cmd.nextLine(/adopting the pending isolate/);
                    rig.emulator.forceAction(pending.id, "Succeeded");
                    return creating;
                },
                { fresh: true },
            );
            assert.ok(again.ok && again.id === pending.id, "adopted");
            rig.emulator.configure(FAST_ACTIONS);
            await rig.command((cmd) => cmd.delete("laptop"), { fresh: true });
            assert.equal(actionsOf(rig, "Isolate", LAPTOP.id).length, 1);
            rig.assertInvariants();
        },
    },
    {
        title: "killed while delete waits for the release: the fresh host adopts the release in flight, one release",
        async run(rig) {
            const args: DeviceIsolationArgs = { machineId: LAPTOP.id, comment: "INC-3" };
            await rig.command((cmd) => cmd.create("laptop", args), { fresh: true });
            rig.emulator.configure(SLOW_ACTIONS);
            await killedDuring(
                rig,
                (cmd) => cmd.delete("laptop"),
                (cmd) => whenWaiting(rig, cmd, "Unisolate", LAPTOP.id),
            );
            const release = actionsOf(rig, "Unisolate", LAPTOP.id)[0];
            const again = await rig.command(
                async (cmd) => {
                    const deleting = cmd.delete("laptop");
                    await cmd.nextLine(/adopting the release/);
                    rig.emulator.forceAction(release.id, "Succeeded");
                    return deleting;
                },
                { fresh: true },
            );
            assert.ok(again.ok, again.ok ? "" : again.error.message);
            assert.equal(actionsOf(rig, "Unisolate", LAPTOP.id).length, 1);
            assert.equal(rig.emulator.machine(LAPTOP.id)?.isolation.isolated, false);
            rig.assertInvariants();
        },
    },
];

describeScenarios("the provider host killed mid-operation", scenarios, { lanes: 4 });
