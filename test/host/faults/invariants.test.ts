/**
 * The invariant checker itself: on a clean history it finds nothing, and each of the five promises,
 * broken on purpose against a real emulator (actions made with a token of the provider's client),
 * is reported. Without this, a checker that never fails would prove nothing.
 */
import { strict as assert } from "assert";
import { DEFAULT_DEVICES, startEmulator, type RunningEmulator } from "../../../emulator";
import { checkInvariants, Ledger, type Violation } from "../../../testkit/faults/invariants";
import { CLIENT_ID, CLIENT_SECRET, TENANT_ID } from "../../../testkit/world";

const LAPTOP = DEFAULT_DEVICES.finLaptop.id;
const HR = DEFAULT_DEVICES.hrLaptop.id;

describe("the invariant checker", function () {
    this.timeout(20_000);
    let emulator: RunningEmulator;
    let ledger: Ledger;
    let token: string;

    before(async () => {
        emulator = await startEmulator({ tls: false, rateLimits: false, actionDelays: { toInProgressMs: 10_000, toSucceededMs: 10_000 } });
    });
    after(async () => {
        await emulator?.stop();
    });
    beforeEach(() => {
        emulator.reset();
        ledger = new Ledger(() => emulator.now().getTime());
        token = emulator.issueToken({ tenantId: TENANT_ID, clientId: CLIENT_ID });
    });

    /** A request as the provider's client (its requestor is CLIENT_ID); answers the action id. */
    async function post(path: string, body: Record<string, string>): Promise<string> {
        const res = await fetch(`${emulator.url}${path}`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify(body),
        });
        assert.ok(res.status < 300, `${path}: ${res.status}`);
        return ((await res.json()) as { id: string }).id;
    }
    const isolate = (machineId: string) => post(`/api/machines/${machineId}/isolate`, { Comment: "c", IsolationType: "Full" });
    const release = (machineId: string) => post(`/api/machines/${machineId}/unisolate`, { Comment: "c" });
    const check = (hostOutput: string[] = []): Violation[] =>
        checkInvariants({ emulator, ledger, hostOutput, clientId: CLIENT_ID, secrets: [CLIENT_SECRET] }).violations;
    const broken = (violations: Violation[]) => [...new Set(violations.map((v) => v.invariant))].sort();

    it("finds nothing in a clean history: isolate, recorded, released by a delete", async () => {
        const create = ledger.begin("create", "laptop", LAPTOP);
        const id = await isolate(LAPTOP);
        emulator.forceAction(id, "Succeeded");
        ledger.recorded(create, id, { machineId: LAPTOP });
        const remove = ledger.begin("delete", "laptop", LAPTOP, [], id);
        emulator.forceAction(await release(LAPTOP), "Succeeded");
        ledger.removed(remove, "ok");
        assert.deepEqual(check(), []);
    });

    it("1: two isolates from one create, or an isolate sent while a release is in flight", async () => {
        const create = ledger.begin("create", "laptop", LAPTOP);
        const first = await isolate(LAPTOP);
        emulator.forceAction(first, "Succeeded");
        const second = await isolate(LAPTOP);
        ledger.recorded(create, second, { machineId: LAPTOP });
        assert.deepEqual(broken(check()), [1]);

        emulator.reset();
        ledger = new Ledger(() => emulator.now().getTime());
        const c = ledger.begin("create", "hr", HR);
        const x = await isolate(HR);
        emulator.forceAction(x, "Succeeded");
        ledger.recorded(c, x, { machineId: HR });
        const d = ledger.begin("delete", "hr", HR, [], x);
        await release(HR); // stays in flight
        const again = ledger.begin("create", "hr", HR);
        const y = await isolate(HR); // races the release
        ledger.recorded(again, y, { machineId: HR });
        ledger.removed(d, "ok");
        assert.ok(check().some((v) => v.invariant === 1 && /in flight: they can complete in either order/.test(v.message)));
    });

    it("2: an isolate nobody recorded, still in force", async () => {
        const create = ledger.begin("create", "laptop", LAPTOP, ["fin-lt-042.contoso.com"]);
        emulator.forceAction(await isolate(LAPTOP), "Succeeded");
        ledger.failed(create, "Isolate device fin-lt-042.contoso.com: outcome unknown. Run 'pulumi up' again.");
        assert.deepEqual(broken(check()), [2]);
    });

    it("3: a release outside any delete, and a release while another declaration holds the device", async () => {
        const create = ledger.begin("create", "laptop", LAPTOP);
        const id = await isolate(LAPTOP);
        emulator.forceAction(id, "Succeeded");
        ledger.recorded(create, id, { machineId: LAPTOP });
        const refresh = ledger.begin("read", "laptop", LAPTOP, [], id);
        emulator.forceAction(await release(LAPTOP), "Succeeded");
        ledger.removed(refresh, "gone");
        assert.deepEqual(broken(check()), [3]);

        emulator.reset();
        ledger = new Ledger(() => emulator.now().getTime());
        const a = ledger.begin("create", "a", HR);
        const x = await isolate(HR);
        emulator.forceAction(x, "Succeeded");
        ledger.recorded(a, x, { machineId: HR });
        const b = ledger.begin("create", "b", HR);
        ledger.recorded(b, x, { machineId: HR }); // adopted by a second declaration
        const d = ledger.begin("delete", "a", HR, [], x);
        emulator.forceAction(await release(HR), "Succeeded"); // released although b still declares it
        ledger.removed(d, "ok");
        assert.ok(check().some((v) => v.invariant === 3 && /still declared the device/.test(v.message)));
    });

    it("3: releasing an isolation someone requested after ours ended, or cancelling a pending isolate no declaration held", async () => {
        const create = ledger.begin("create", "laptop", LAPTOP);
        const id = await isolate(LAPTOP);
        emulator.forceAction(id, "Succeeded");
        ledger.recorded(create, id, { machineId: LAPTOP });
        emulator.advanceClock(1000);
        emulator.releaseOutOfBand(LAPTOP); // ours ended here
        emulator.advanceClock(1000);
        emulator.isolateOutOfBand(LAPTOP, { requestor: "analyst@contoso.com" });
        emulator.advanceClock(1000);
        const remove = ledger.begin("delete", "laptop", LAPTOP, [], id);
        emulator.forceAction(await release(LAPTOP), "Succeeded"); // releases the analyst's isolation
        ledger.removed(remove, "ok");
        assert.ok(check().some((v) => v.invariant === 3 && /after this stack's isolation had ended: not ours to release/.test(v.message)));

        emulator.reset();
        ledger = new Ledger(() => emulator.now().getTime());
        emulator.setOnline(HR, false);
        const analyst = emulator.issueToken({ tenantId: TENANT_ID, clientId: "analyst-app" });
        const theirs = await fetch(`${emulator.url}/api/machines/${HR}/isolate`, {
            method: "POST",
            headers: { authorization: `Bearer ${analyst}`, "content-type": "application/json" },
            body: JSON.stringify({ Comment: "analyst" }),
        });
        const theirId = ((await theirs.json()) as { id: string }).id;
        const d = ledger.begin("delete", "hr", HR, [], "x");
        await post(`/api/machineactions/${theirId}/cancel`, { Comment: "c" });
        ledger.removed(d, "ok");
        assert.ok(check().some((v) => v.invariant === 3 && /cancelled .* which no declaration held/.test(v.message)));
    });

    it("4: an error that names neither the device, the operation nor a fix", () => {
        const create = ledger.begin("create", "laptop", LAPTOP);
        ledger.failed(create, "Defender API GET /api/machineactions failed: 500 InternalServerError");
        assert.deepEqual(
            check().map((v) => v.invariant),
            [4, 4, 4],
        );
    });

    it("5: the secret in host output, a token in a request body", async () => {
        assert.deepEqual(broken(check([`client_secret=${CLIENT_SECRET}`])), [5]);
        await fetch(`${emulator.url}/api/machines/${LAPTOP}/isolate`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify({ Comment: `leaked ${token}` }),
        });
        const create = ledger.begin("create", "laptop", LAPTOP);
        ledger.recorded(create, emulator.state().actions[0].id, { machineId: LAPTOP });
        assert.ok(check().some((v) => v.invariant === 5 && /a token appears in request #1/.test(v.message)));
    });
});
