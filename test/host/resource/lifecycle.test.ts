/**
 * The DeviceIsolation lifecycle through the real provider host, against the emulator over HTTPS with
 * the real ClientSecretCredential: every rule of the contract, checked against the emulator's records.
 */
import { strict as assert } from "assert";
import { DEFAULT_DEVICES } from "../../../emulator";
import type { DeviceIsolationArgs } from "../../../provider";
import { UNKNOWN } from "../../../testkit/host/providerHost";
import { CLIENT_SECRET, rejects } from "../../../testkit/world";
import { useWorld } from "../../../testkit/useWorld";

const LAPTOP = DEFAULT_DEVICES.finLaptop;
const OFFLINE = DEFAULT_DEVICES.offlineLaptop;
const LINUX = DEFAULT_DEVICES.linuxServer;

/** A declaration of the laptop, with overrides. */
function args(overrides: Partial<DeviceIsolationArgs> = {}): DeviceIsolationArgs {
    return { machineId: LAPTOP.id, comment: "INC-2031 beacon", ...overrides };
}

describe("DeviceIsolation lifecycle through the provider host", function () {
    this.timeout(60_000);
    const world = useWorld({}, { resetEach: true });

    const isolateActions = (machineId: string) => world.emulator.state().actions.filter((a) => a.machineId === machineId && a.type === "Isolate");
    const unisolateActions = (machineId: string) => world.emulator.state().actions.filter((a) => a.machineId === machineId && a.type === "Unisolate");
    const isolated = (machineId: string) => world.emulator.machine(machineId)?.isolation.isolated;

    describe("create", () => {
        it("isolates by machineId, waits for Succeeded, and records the action", async () => {
            const { id, properties } = await world.create("laptop", args());
            const [action] = isolateActions(LAPTOP.id);
            assert.equal(id, action.id);
            assert.equal(isolated(LAPTOP.id), true);
            assert.deepEqual(
                { ...properties, __provider: undefined },
                {
                    __provider: undefined,
                    machineId: LAPTOP.id,
                    computerDnsName: LAPTOP.computerDnsName,
                    isolationType: "Full",
                    comment: "INC-2031 beacon",
                    releaseComment: "Released by Pulumi: declaration removed",
                    waitForCompletion: true,
                    completionTimeoutSeconds: 600,
                    protectedMachineTags: [],
                    machineActionId: action.id,
                    status: "Succeeded",
                    requestor: action.requestor,
                    creationDateTimeUtc: action.creationDateTimeUtc,
                    lastUpdateDateTimeUtc: world.emulator.action(action.id)?.lastUpdateDateTimeUtc,
                },
            );
            const calls = world.apiCalls();
            // The device and its actions, read in one batch (see deviceReadBatcher), then the isolate.
            const [actions, machines] = calls
                .slice(0, 2)
                .map((c) => decodeURIComponent(c))
                .sort();
            assert.match(actions, new RegExp(`^GET /api/machineactions\\?.*machineId in \\('${LAPTOP.id}'\\)`));
            assert.match(machines, new RegExp(`^GET /api/machines\\?.*id in \\('${LAPTOP.id}'\\)`));
            assert.equal(calls[2], `POST /api/machines/${LAPTOP.id}/isolate`);
            assert.equal(calls.filter((c) => c.startsWith("POST")).length, 1, "exactly one POST");
            const post = world.emulator.requests().find((r) => r.method === "POST" && r.path.endsWith("/isolate"));
            assert.deepEqual(JSON.parse(post?.body ?? "{}"), { Comment: "INC-2031 beacon", IsolationType: "Full" });
        });

        it("says what it is waiting for", async () => {
            const line = world.nextLine(/waiting for Isolate [0-9a-f]{8}… on fin-lt-042: (Pending|InProgress) \(\d+s\)/);
            await world.create("laptop", args());
            await line;
        });

        it("resolves computerDnsName by exact, case-insensitive match", async () => {
            const { properties } = await world.create("laptop", { computerDnsName: "FIN-LT-042.Contoso.com", comment: "c" });
            assert.equal(properties.machineId, LAPTOP.id);
            assert.equal(isolated(LAPTOP.id), true);
        });

        it("refuses a name shared by several devices, naming each, and isolates nothing", async () => {
            const e = await rejects(world.create("ws", { computerDnsName: "eng-ws-21.contoso.com", comment: "c" }), /2 Defender devices share this name/);
            assert.match(e.message, new RegExp(DEFAULT_DEVICES.reonboardedOld.id));
            assert.match(e.message, new RegExp(DEFAULT_DEVICES.reonboardedNew.id));
            assert.equal(world.apiCalls().filter((c) => c.startsWith("POST")).length, 0);
        });

        it("refuses a name that matches no device whole (no substring match)", async () => {
            await rejects(world.create("x", { computerDnsName: "fin-lt-04.contoso.com", comment: "c" }), /no device named exactly 'fin-lt-04.contoso.com'/);
            assert.equal(world.apiCalls().filter((c) => c.startsWith("POST")).length, 0);
        });

        it("refuses an unknown machineId with the fix", async () => {
            await rejects(world.create("x", args({ machineId: "0".repeat(40) })), /knows no device with this machineId.*Nothing was isolated/);
        });

        it("declared by machineId and computerDnsName: isolates when the name is the device's, refuses another name before any isolate", async () => {
            await rejects(
                world.create("mismatch", args({ computerDnsName: "hr-lt-007.contoso.com" })),
                /declared as computerDnsName 'hr-lt-007\.contoso\.com', but Defender names device [0-9a-f]{40} 'fin-lt-042\.contoso\.com'.*Nothing was isolated/,
            );
            assert.equal(isolateActions(LAPTOP.id).length, 0);
            const both = await world.create("both", args({ computerDnsName: LAPTOP.computerDnsName.toUpperCase() }));
            assert.equal(both.properties.machineId, LAPTOP.id);
            assert.equal(isolateActions(LAPTOP.id).length, 1);
        });

        it("refuses a device carrying a protected tag before any isolate", async () => {
            await rejects(world.create("laptop", args({ protectedMachineTags: ["finance"] })), /protected machine tag 'Finance'/);
            assert.equal(isolateActions(LAPTOP.id).length, 0);
        });

        it("adopts a pending isolate instead of sending a second one", async () => {
            const first = await world.create("a", { machineId: OFFLINE.id, comment: "c", waitForCompletion: false });
            assert.equal(first.properties.status, "Pending");
            const second = await world.create("b", { machineId: OFFLINE.id, comment: "c", waitForCompletion: false });
            assert.equal(second.id, first.id);
            assert.equal(isolateActions(OFFLINE.id).length, 1);
        });

        it("adopts a current isolation of the same type, and refuses another type", async () => {
            const { action } = world.emulator.isolateOutOfBand(LAPTOP.id, { isolationType: "Full" });
            const adopted = await world.create("a", args());
            assert.equal(adopted.id, action?.id);
            await rejects(world.create("b", args({ isolationType: "Selective" })), /already has a current Full isolation.*Set isolationType: Full/);
            assert.equal(isolateActions(LAPTOP.id).length, 1);
        });

        it("does not adopt an isolation that an older, still pending release can undo", async () => {
            const first = await world.create("a", args());
            world.emulator.setOnline(LAPTOP.id, false);
            await world.host.delete(first.id, world.urn("a"), { ...first.properties, waitForCompletion: false }); // release pending
            world.emulator.isolateOutOfBand(LAPTOP.id); // a newer isolation finishes first
            world.emulator.clearRequests();
            await rejects(world.create("b", args({ completionTimeoutSeconds: 1 })), /a release of this device is still in progress.*could race it/);
            assert.equal(world.apiCalls().filter((c) => c.startsWith("POST")).length, 0);
        });

        it("refuses an adopted pending isolate that turns out to be of another type", async () => {
            world.emulator.setOnline(LAPTOP.id, false);
            const selective = await world.create("a", args({ isolationType: "Selective", waitForCompletion: false }));
            const adopting = world.create("b", args({ isolationType: "Full" }));
            setTimeout(() => world.emulator.setOnline(LAPTOP.id, true), 300);
            await rejects(adopting, new RegExp(`pending isolate ${selective.id} .*turned out to be a Selective isolation.*Nothing was recorded`));
            assert.equal(isolateActions(LAPTOP.id).length, 1);
        });

        it("adopts on 400 ActiveRequestAlreadyExists when the listing lags", async () => {
            world.emulator.configure({ quirks: { indexingLagMs: 300 } });
            world.emulator.setOnline(LAPTOP.id, false);
            const first = await world.create("a", args({ waitForCompletion: false }));
            const second = await world.create("b", args({ waitForCompletion: false }));
            assert.equal(second.id, first.id);
            assert.equal(isolateActions(LAPTOP.id).length, 1);
            assert.ok(
                world.emulator.requests().some((r) => r.status === 400 && r.body.includes("Comment")),
                "the second POST was refused",
            );
        });

        it("after a lost response, adopts the isolate Defender created instead of posting again", async () => {
            world.emulator.injectFault({ route: "isolate", kind: "dropAfterPerform" });
            const { id } = await world.create("a", args());
            const actions = isolateActions(LAPTOP.id);
            assert.equal(actions.length, 1);
            assert.equal(id, actions[0].id);
            assert.equal(world.apiCalls().filter((c) => c.startsWith("POST")).length, 1);
        });

        it("after a 5xx without an action, sends the isolate once more, and no more: fails and records nothing when that fails too", async () => {
            world.emulator.injectFault({ route: "isolate", kind: "status", status: 503, count: 2 });
            await rejects(world.create("a", args()), /outcome of the isolate request is unknown.*run 'pulumi up' again/i);
            assert.equal(world.apiCalls().filter((c) => c.startsWith("POST")).length, 2);
            assert.equal(isolateActions(LAPTOP.id).length, 0);
        });

        it("fails when the action ends TimeOut, and nothing is isolated", async () => {
            world.emulator.configure({ offlineTimeoutMs: 200 });
            await rejects(world.create("a", { machineId: OFFLINE.id, comment: "c" }), /ended TimeOut.*nothing was recorded/);
        });

        it("succeeds with a warning when still pending at the timeout: the isolation is recorded", async () => {
            const warning = world.nextLine(/still Pending after 1s/, "stderr");
            const { id, properties } = await world.create("a", { machineId: OFFLINE.id, comment: "c", completionTimeoutSeconds: 1 });
            assert.equal(properties.status, "Pending");
            assert.equal(id, isolateActions(OFFLINE.id)[0].id);
            await warning;
        });

        it("surfaces Defender's refusal with its code and the fix", async () => {
            await rejects(
                world.create("a", { machineId: LINUX.id, comment: "c", isolationType: "Selective" }),
                /400 OsPlatformNotSupported.*use isolationType Full/,
            );
        });
    });

    describe("read (refresh)", () => {
        it("keeps the resource and updates its status", async () => {
            const { id, properties } = await world.create("a", args({ waitForCompletion: false }));
            assert.equal(properties.status, "Pending");
            world.emulator.forceAction(id, "Succeeded");
            const read = await world.host.read(id, world.urn("a"), properties);
            assert.equal(read.id, id);
            assert.equal(read.properties.status, "Succeeded");
            assert.equal(read.properties.comment, "INC-2031 beacon");
        });

        it("finds a device released behind our back: the resource is gone", async () => {
            const { id, properties } = await world.create("a", args());
            world.emulator.releaseOutOfBand(LAPTOP.id);
            const warning = world.nextLine(/released since this isolation by portal-user@contoso.com/, "stderr");
            const read = await world.host.read(id, world.urn("a"), properties);
            assert.equal(read.id, "");
            await warning;
        });

        for (const status of ["Failed", "Cancelled", "TimeOut"] as const) {
            it(`forgets an isolate that ended ${status}`, async () => {
                const { id, properties } = await world.create("a", args({ waitForCompletion: false }));
                world.emulator.forceAction(id, status);
                assert.equal((await world.host.read(id, world.urn("a"), properties)).id, "");
            });
        }

        it("forgets a device that no longer exists", async () => {
            const { id, properties } = await world.create("a", args());
            world.emulator.deleteMachine(LAPTOP.id);
            assert.equal((await world.host.read(id, world.urn("a"), properties)).id, "");
        });

        it("then the next create isolates the device again", async () => {
            const first = await world.create("a", args());
            world.emulator.releaseOutOfBand(LAPTOP.id);
            assert.equal((await world.host.read(first.id, world.urn("a"), first.properties)).id, "");
            const again = await world.create("a", args());
            assert.notEqual(again.id, first.id);
            assert.equal(isolated(LAPTOP.id), true);
        });
    });

    describe("update", () => {
        it("changes state only: no API call", async () => {
            const { id, properties } = await world.create("a", args());
            world.emulator.clearRequests();
            const news = await world.checked("a", args({ comment: "INC-2031 and INC-2040", waitForCompletion: false }));
            const diff = await world.host.diff(id, world.urn("a"), properties, news);
            assert.equal(diff.changes, "DIFF_SOME");
            assert.deepEqual(diff.replaces, []);
            const updated = await world.host.update(id, world.urn("a"), properties, news);
            assert.equal(updated.properties.comment, "INC-2031 and INC-2040");
            assert.equal(updated.properties.waitForCompletion, false);
            assert.equal(updated.properties.machineActionId, id);
            assert.deepEqual(world.apiCalls(), []);
        });
    });

    describe("diff and preview", () => {
        it("replaces, delete before create, on a change of device; a change of isolation type is an update", async () => {
            const { id, properties } = await world.create("a", args());
            const other = await world.checked("a", args({ machineId: DEFAULT_DEVICES.hrLaptop.id }));
            const moved = await world.host.diff(id, world.urn("a"), properties, other);
            assert.deepEqual([moved.replaces, moved.deleteBeforeReplace], [["machineId"], true]);
            const news = await world.checked("a", args({ isolationType: "Selective" }));
            const diff = await world.host.diff(id, world.urn("a"), properties, news);
            assert.deepEqual([diff.changes, diff.replaces], ["DIFF_SOME", []]);
            const updated = await world.host.update(id, world.urn("a"), properties, news);
            assert.equal(updated.properties.isolationType, "Selective");
            assert.equal(world.emulator.machine(LAPTOP.id)?.isolation.isolationType, "Selective");
        });

        it("previews unknown inputs without any network call", async () => {
            const inputs = await world.register("a", args());
            const news = { ...inputs, machineId: UNKNOWN, comment: UNKNOWN };
            const check = await world.host.check(world.urn("a"), {}, news, { preview: true });
            assert.deepEqual(check.failures, []);
            const diff = await world.host.diff("x", world.urn("a"), { ...inputs, machineId: LAPTOP.id, isolationType: "Full" }, check.inputs, {
                preview: true,
            });
            assert.deepEqual(diff.replaces, ["machineId"]);
            assert.deepEqual(world.emulator.requests(), []);
        });

        it("refuses bad input at check, naming the field, before any network call", async () => {
            const inputs = await world.register("a", args());
            const check = await world.host.check(world.urn("a"), {}, { ...inputs, machineId: "../../api/machines", isolationType: "full" });
            assert.deepEqual(check.failures.map((f) => f.property).sort(), ["isolationType", "machineId"]);
            assert.deepEqual(world.emulator.requests(), []);
        });
    });

    describe("delete", () => {
        it("releases an isolated device with one unisolate carrying the release comment", async () => {
            const { id, properties } = await world.create("a", args({ releaseComment: "INC-2031 closed" }));
            world.emulator.clearRequests();
            await world.host.delete(id, world.urn("a"), properties);
            assert.equal(isolated(LAPTOP.id), false);
            const posts = world.emulator.requests().filter((r) => r.method === "POST");
            assert.deepEqual(
                posts.map((r) => r.path),
                [`/api/machines/${LAPTOP.id}/unisolate`],
            );
            assert.deepEqual(JSON.parse(posts[0].body), { Comment: "INC-2031 closed" });
        });

        it("cancels a still-pending isolate instead of racing it with a release", async () => {
            const { id, properties } = await world.create("a", { machineId: OFFLINE.id, comment: "c", waitForCompletion: false });
            await world.host.delete(id, world.urn("a"), properties);
            assert.equal(world.emulator.action(id)?.status, "Cancelled");
            assert.equal(unisolateActions(OFFLINE.id).length, 0);
            world.emulator.setOnline(OFFLINE.id, true);
            assert.equal(isolated(OFFLINE.id), false);
        });

        it("makes no call when the device was already released", async () => {
            const { id, properties } = await world.create("a", args());
            world.emulator.releaseOutOfBand(LAPTOP.id);
            world.emulator.clearRequests();
            await world.host.delete(id, world.urn("a"), properties);
            assert.equal(world.apiCalls().filter((c) => c.startsWith("POST")).length, 0);
        });

        it("adopts a release already in flight instead of sending another", async () => {
            const { id, properties } = await world.create("a", args());
            world.emulator.setOnline(LAPTOP.id, false); // the release stays Pending
            const noWait = { ...properties, waitForCompletion: false };
            await world.host.delete(id, world.urn("a"), noWait);
            // A retry (say the first answer was lost): the pending release is adopted, not resent.
            await world.host.delete(id, world.urn("a"), noWait);
            assert.equal(unisolateActions(LAPTOP.id).length, 1);
            assert.equal(world.apiCalls().filter((c) => c.endsWith("/unisolate")).length, 1);
        });

        it("succeeds when the device no longer exists", async () => {
            const { id, properties } = await world.create("a", args());
            world.emulator.deleteMachine(LAPTOP.id);
            await world.host.delete(id, world.urn("a"), properties);
        });

        it("fails, keeping the resource, when the release fails", async () => {
            const { id, properties } = await world.create("a", args());
            world.emulator.configure({ actionDelays: { toInProgressMs: 60_000, toSucceededMs: 60_000 } });
            const waiting = world.nextLine(/waiting for Unisolate/);
            const deleting = world.host.delete(id, world.urn("a"), properties);
            await waiting;
            world.emulator.forceAction(unisolateActions(LAPTOP.id)[0].id, "Failed");
            await rejects(deleting, /Release device fin-lt-042.contoso.com .*ended Failed.*stays in state/);
        });

        it("fails, keeping the resource, when the release is still pending at the timeout", async () => {
            const { id, properties } = await world.create("a", args());
            world.emulator.setOnline(LAPTOP.id, false);
            await rejects(world.host.delete(id, world.urn("a"), { ...properties, completionTimeoutSeconds: 1 }), /still Pending after 1s.*adopted, not resent/);
        });
    });

    describe("what is kept and logged", () => {
        it("keeps __provider tiny and free of configuration and secrets", async () => {
            const inputs = await world.register("a", args());
            const text = String(inputs.__provider);
            assert.ok(Buffer.byteLength(text) <= 4096, `__provider is ${Buffer.byteLength(text)} bytes`);
            assert.ok(!text.includes(CLIENT_SECRET));
            assert.ok(!text.includes(world.emulator.url));
        });

        it("never prints the client secret or a token", async () => {
            await world.create("a", args());
            const tokens = world.emulator
                .requests()
                .map((r) => r.headers.authorization?.replace(/^Bearer /, ""))
                .filter((t): t is string => !!t);
            assert.ok(tokens.length > 0);
            const output = [...world.host.stdout(), ...world.host.stderr()].join("\n");
            for (const needle of [CLIENT_SECRET, ...new Set(tokens)]) assert.ok(!output.includes(needle), "a secret reached the host output");
        });
    });
});
