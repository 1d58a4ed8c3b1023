// The provider as a read-only identity (Machine.Read.All, no Machine.Isolate), as a pull request's
// preview runs it: everything a preview does works (check, diff, read); an isolate, a release or a
// cancel is refused before any write, naming the missing permission and the identity. Defender (the
// emulator) refuses the same with 403, so the pre-check only says it sooner and better.
import { strict as assert } from "assert";
import { DEFAULT_DEVICES } from "../../../emulator";
import { PROVIDER_TEXT } from "../../../provider/resource/deviceIsolation";
import { writes } from "../../../testkit/cli/rootProject";
import { CLIENT_ID, startWorld, type World } from "../../../testkit/world";

const ROLE_MESSAGE = new RegExp(
    `refused before sending: the access token of application ${CLIENT_ID} holds Machine\\.Read\\.All but not Machine\\.Isolate, which isolating, releasing and cancelling need\\. Nothing was sent to Defender\\.`,
);

describe("provider: a read-only identity", function () {
    this.timeout(60_000);
    let world: World;

    before(async () => {
        world = await startWorld({ emulator: { appRoles: { byClientId: { [CLIENT_ID]: ["Machine.Read.All"] } } } });
    });
    after(() => world?.stop());
    beforeEach(() => world.emulator.clearRequests());

    it("create is refused before any write, with the missing permission and the fix", async () => {
        await assert.rejects(world.create("laptop", { machineId: DEFAULT_DEVICES.finLaptop.id, comment: "INC-1 beacon" }), (e: Error) => {
            assert.match(e.message, /^Isolate device fin-lt-042\.contoso\.com/);
            assert.match(e.message, ROLE_MESSAGE);
            assert.match(e.message, /run 'pulumi up' as the isolating identity \(in CI, the up job in its protected environment\)/);
            assert.match(e.message, /Nothing was isolated\.$/);
            return true;
        });
        assert.deepEqual(writes(world.emulator.requests()), []);
        // It read the device first, as a preview may: reads are what a read-only identity is for.
        assert.ok(world.apiCalls().some((c) => c.startsWith("GET /api/")));
        assert.equal(world.emulator.machine(DEFAULT_DEVICES.finLaptop.id)?.isolation.isolated, false);
    });

    it("refresh (read) of an isolation works; its delete is refused before any write", async () => {
        // Isolated by the isolating identity earlier: a resource in state, as after a merge.
        const action = world.emulator.isolateOutOfBand(DEFAULT_DEVICES.hrLaptop.id).action as { id: string };
        const urn = world.urn("hr");
        const props = {
            machineId: DEFAULT_DEVICES.hrLaptop.id,
            computerDnsName: DEFAULT_DEVICES.hrLaptop.computerDnsName,
            comment: "INC-2 beacon",
            isolationType: "Full",
            releaseComment: "INC-2 closed",
            waitForCompletion: true,
            completionTimeoutSeconds: 600,
            protectedMachineTags: [],
            machineActionId: action.id,
            status: "Succeeded",
            __provider: PROVIDER_TEXT,
        };
        const read = await world.host.read(action.id, urn, props);
        assert.equal(read.id, action.id);
        await assert.rejects(world.host.delete(action.id, urn, props), (e: Error) => {
            assert.match(e.message, /^Release device hr-lt-007\.contoso\.com/);
            assert.match(e.message, ROLE_MESSAGE);
            return true;
        });
        assert.deepEqual(writes(world.emulator.requests()), []);
        assert.equal(world.emulator.machine(DEFAULT_DEVICES.hrLaptop.id)?.isolation.isolated, true);
    });

    it("without the pre-check, Defender itself refuses the write: 403 Missing application roles", async () => {
        const token = world.emulator.issueToken({ clientId: CLIENT_ID });
        const { send } = await import("../../../testkit/http/send");
        const r = await send(
            world.emulator.url,
            `/api/machines/${DEFAULT_DEVICES.finLaptop.id}/isolate`,
            { body: { Comment: "x" }, token },
            world.emulator.caCertPath,
        );
        assert.equal(r.status, 403);
        assert.match(r.text, /Missing application roles\. API required roles: Machine\.Isolate/);
    });
});
