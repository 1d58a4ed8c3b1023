// Application permissions: the roles Entra writes into a token, per client id (appRoles), and the 403
// each Defender route answers, in the live service's words, to a token holding none of its roles.
import assert from "assert";
import { DEFAULT_DEVICES, RunningEmulator } from "../../../emulator";
import { CLIENT_ID, EmulatorClient, startTestEmulator } from "./helpers/fixtures";

const READER = "0f0f0f0f-1111-4222-8333-444444444444";
const claims = (token: string) => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as { roles?: string[]; appid: string };

describe("emulator: application roles", () => {
    let emu: RunningEmulator;
    let isolator: EmulatorClient;
    let reader: EmulatorClient;

    before(async () => {
        emu = await startTestEmulator({ appRoles: { byClientId: { [READER]: ["Machine.Read.All"] } } });
        isolator = new EmulatorClient(emu);
        reader = new EmulatorClient(emu);
        await isolator.signIn();
        await reader.signIn({ client_id: READER });
    });
    after(() => emu.stop());

    it("tokens carry the client's roles: the default for an unlisted client, the listed ones for the reader", () => {
        assert.deepStrictEqual(claims(isolator.token!).roles, ["Machine.Isolate", "Machine.Read.All", "Alert.Read.All", "Incident.Read.All"]);
        assert.deepStrictEqual(claims(reader.token!), { ...claims(reader.token!), appid: READER, roles: ["Machine.Read.All"] });
    });

    it("the reader reads devices and actions", async () => {
        assert.strictEqual((await reader.getMachine(DEFAULT_DEVICES.finLaptop.id)).status, 200);
        assert.strictEqual((await reader.call("/api/machines")).status, 200);
        assert.strictEqual((await reader.listActions()).status, 200);
    });

    it("the reader's isolate, unisolate and cancel: 403 Missing application roles, nothing done, no rate slot taken", async () => {
        const before = emu.state().actions.length;
        for (const [call, roles] of [
            [() => reader.isolate(DEFAULT_DEVICES.finLaptop.id), "Machine.Isolate"],
            [() => reader.unisolate(DEFAULT_DEVICES.finLaptop.id), "Machine.Isolate"],
            [
                () => reader.cancel("5b1f0ef4-7a2a-4c51-9d0e-0a0a0a0a0a0a"),
                "Machine.CollectForensics, Machine.Isolate, Machine.RestrictExecution, Machine.Scan, Machine.Offboard, Machine.StopAndQuarantine, Machine.LiveResponse",
            ],
        ] as const) {
            const r = await call();
            assert.strictEqual(r.status, 403, r.text);
            const error = (r.json as { error: { code: string; message: string } }).error;
            assert.strictEqual(error.code, "Forbidden");
            assert.strictEqual(error.message, `Missing application roles. API required roles: ${roles}`);
        }
        assert.strictEqual(emu.state().actions.length, before, "no action created");
    });

    it("a client with no role at all reads nothing either; the isolator isolates", async () => {
        emu.configure({ appRoles: { byClientId: { [CLIENT_ID]: [] } } });
        const none = new EmulatorClient(emu);
        await none.signIn();
        assert.strictEqual(claims(none.token!).roles, undefined, "Entra leaves out an empty roles claim");
        const r = await none.listActions();
        assert.strictEqual(r.status, 403);
        assert.match(r.text, /Missing application roles\. API required roles: Machine\.Read\.All, Machine\.ReadWrite\.All/);
        // A token keeps the roles it was issued with, as consent changes apply to new tokens.
        assert.strictEqual((await isolator.isolate(DEFAULT_DEVICES.hrLaptop.id)).status, 201);
    });

    it("roles through the control API's token, and the options refuse a malformed list by name", () => {
        const t = emu.issueToken({ clientId: READER, roles: ["Machine.Isolate"] });
        assert.deepStrictEqual(claims(t).roles, ["Machine.Isolate"]);
        assert.throws(
            () => emu.configure({ appRoles: { byClientId: { [READER]: "Machine.Read.All" as unknown as string[] } } }),
            /appRoles\.byClientId\.0f0f0f0f-1111-4222-8333-444444444444: must be a list of role names/,
        );
        assert.throws(() => emu.configure({ appRoles: { defaults: [] } as never }), /appRoles\.defaults: unknown option; expected one of default, byClientId/);
    });
});
