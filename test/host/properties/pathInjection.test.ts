/**
 * Path and query injection: whatever a device id, action id, action type or device name holds
 * (`../`, `%2e%2e`, `?`, `#`, quotes, look-alike digits and letters, control characters), the request
 * can reach no other endpoint. The client refuses it before sending, or the emulator sees exactly one
 * path segment (or one quoted filter value) equal to it. Checked on the client against the emulator,
 * then through the provider host with unchecked inputs and hostile state.
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import type { TokenCredential } from "@azure/identity";
import { DEFAULT_DEVICES, startEmulator, type RequestLogEntry, type RunningEmulator } from "../../../emulator";
import { createDefenderClient, isDefenderApiError, type DefenderClient } from "../../../provider/defender";
import { ProviderCallError } from "../../../testkit/host/providerHost";
import { counted, faultStats } from "../../../testkit/faults/faultStats";
import { useWorld } from "../../../testkit/useWorld";

const ID = DEFAULT_DEVICES.finLaptop.id;
const OTHER = DEFAULT_DEVICES.hrLaptop.id;
const GUID = "7f3c2a1e-0b4d-4c8e-9a6f-2d1e3c4b5a69";
const MACHINE_ID = /^[0-9a-fA-F]{40}$/;
const ACTION_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Values built to escape a path segment or a filter literal. */
const HOSTILE = [
    "",
    ".",
    "..",
    "../",
    "../..",
    "..\\..",
    "%2e%2e",
    "%2E%2E%2F",
    "..%2f..%2fmachineactions",
    "%00",
    "*",
    "$metadata",
    `../../machineactions/${GUID}/cancel`,
    `${ID}/../${OTHER}`,
    `${ID}/isolate`,
    `${ID}?$top=1`,
    `${ID}#x`,
    `${ID}%3F`,
    `${ID}%2F..`,
    ` ${ID}`,
    `${ID} `,
    `${ID}\n`,
    `${ID}\u0000`,
    `${ID}\u200b`,
    ID.toUpperCase(),
    "\u0661".repeat(40),
    "\uff41".repeat(40),
    `${ID.slice(0, 39)}\u0430`,
    `${ID.slice(0, 39)}\uff46`,
    `${GUID.slice(0, 35)}\u0430`,
    GUID,
    GUID.toUpperCase(),
    "' or 1 eq 1 or id eq '",
    "x' or computerDnsName ne 'y",
    "fin-lt-042.contoso.com' or 'a' eq 'a",
    "fin-lt-042.contoso.com/../../api",
    "fin-lt-042\u3002contoso\u3002com",
    "\ufb01n-lt-042.contoso.com",
    "fin-lt-042.contoso.com\u200b",
    "o'brien.contoso.com",
    "fin%2Dlt.contoso.com",
    "fin-lt-042.contoso.com",
    "Isolate",
    "Isolate' or type eq 'Unisolate",
    "Isolate&$top=1",
];

type Call = {
    name: string;
    route: RequestLogEntry["route"];
    run: (c: DefenderClient, v: string) => Promise<unknown>;
    expect: (r: RequestLogEntry, v: string) => boolean;
};

const segment = (r: RequestLogEntry, i: number) => decodeURIComponent(r.path.split("/").filter((s) => s !== "")[i] ?? "");
const quoted = (v: string) => `'${v.replace(/'/g, "''")}'`;
const filterIs = (r: RequestLogEntry, filter: string) => r.query.$filter === filter;

const CALLS: Call[] = [
    { name: "getMachine", route: "getMachine", run: (c, v) => c.getMachine(v), expect: (r, v) => segment(r, 2) === v },
    { name: "isolate", route: "isolate", run: (c, v) => c.isolate(v, { comment: "INC-5", isolationType: "Full" }), expect: (r, v) => segment(r, 2) === v },
    { name: "unisolate", route: "unisolate", run: (c, v) => c.unisolate(v, "INC-5"), expect: (r, v) => segment(r, 2) === v },
    { name: "getAction", route: "getAction", run: (c, v) => c.getAction(v), expect: (r, v) => segment(r, 2) === v },
    { name: "cancelAction", route: "cancelAction", run: (c, v) => c.cancelAction(v, "INC-5"), expect: (r, v) => segment(r, 2) === v },
    {
        name: "listActions by machineId",
        route: "listActions",
        run: (c, v) => c.listActions({ machineId: v }),
        expect: (r, v) => filterIs(r, `machineId eq ${quoted(v)}`),
    },
    { name: "listActions by type", route: "listActions", run: (c, v) => c.listActions({ type: v }), expect: (r, v) => filterIs(r, `type eq ${quoted(v)}`) },
    // Action ids are GUIDs, compared case-insensitively: the client sends them lower-cased.
    {
        name: "listActions by ids",
        route: "listActions",
        run: (c, v) => c.listActions({ ids: [v] }),
        expect: (r, v) => filterIs(r, `id in (${quoted(v.toLowerCase())})`),
    },
    {
        name: "findMachinesByDnsName",
        route: "listMachines",
        run: (c, v) => c.findMachinesByDnsName(v),
        expect: (r, v) => filterIs(r, `computerDnsName eq ${quoted(v)}`),
    },
];

describe("path and query injection cannot reach another endpoint", function () {
    this.timeout(60_000);

    describe("the Defender client, against the emulator", () => {
        let emulator: RunningEmulator;
        let client: DefenderClient;

        before(async () => {
            // Plain HTTP on loopback (allowed), a token straight from the emulator: only the requests matter here.
            emulator = await startEmulator({ tls: false, rateLimits: false });
            const credential: TokenCredential = {
                getToken: () => Promise.resolve({ token: emulator.issueToken(), expiresOnTimestamp: Date.now() + 3_600_000 }),
            };
            client = createDefenderClient({ apiBaseUrl: emulator.url, credential, rateLimits: [{ calls: 1_000_000, perSeconds: 1 }], retry: { limit: 0 } });
        });
        after(async () => {
            await emulator?.stop();
        });

        /** Runs one call with one value: refused before sending, or every request exactly as intended. */
        async function probe(call: Call, value: string): Promise<void> {
            emulator.clearRequests();
            faultStats.injectionAttempts++;
            let refused = false;
            try {
                await call.run(client, value);
            } catch (e) {
                assert.ok(isDefenderApiError(e), `a DefenderApiError, not ${String(e)}`);
                refused = e.kind === "invalidInput";
            }
            const sent = emulator.requests();
            if (refused) {
                assert.deepEqual(
                    sent.map((r) => r.url),
                    [],
                    `${call.name}(${JSON.stringify(value)}) was refused, yet sent`,
                );
                return;
            }
            assert.ok(sent.length > 0, `${call.name}(${JSON.stringify(value)}) neither refused nor sent`);
            for (const r of sent) {
                // The ids fallback reads actions one by one: that is GET machineactions/{id}.
                const ok =
                    (r.route === call.route && call.expect(r, value)) ||
                    (call.name === "listActions by ids" && r.route === "getAction" && segment(r, 2) === value.toLowerCase());
                assert.ok(ok, `${call.name}(${JSON.stringify(value)}) reached ${r.method} ${r.url} (route ${r.route})`);
            }
        }

        for (const call of CALLS) {
            it(`${call.name}: every hostile value is refused or stays one exact segment / filter value`, async () => {
                for (const value of HOSTILE) await probe(call, value);
            });
        }

        it("any string, for every call (property)", async () => {
            const values = fc.oneof(
                fc.string({ unit: "binary", maxLength: 45 }),
                fc.stringMatching(/^[0-9a-fA-F./%?#' -]{36,42}$/),
                fc.constantFrom(...HOSTILE),
            );
            await fc.assert(
                fc.asyncProperty(fc.constantFrom(...CALLS), values, (call, value) => probe(call, value)),
                counted(400),
            );
        });
    });

    describe("through the provider host, with unchecked inputs and hostile state", () => {
        const world = useWorld();
        beforeEach(() => world.emulator.reset());

        /** Every API request went to a known route, with nothing but a valid id in its path. */
        function onlyLegitimateRequests(): void {
            for (const r of world.emulator.requests().filter((x) => x.route !== "token" && x.route !== "discovery")) {
                assert.ok(r.route !== null, `a request reached no known endpoint: ${r.method} ${r.url}`);
                const segments = r.path
                    .split("/")
                    .filter((s) => s !== "")
                    .map(decodeURIComponent);
                if (segments.length >= 3) assert.ok(MACHINE_ID.test(segments[2]) || ACTION_ID.test(segments[2]), `${r.method} ${r.url} carries a hostile id`);
            }
        }

        async function fails(call: Promise<unknown>, operation: RegExp): Promise<void> {
            faultStats.injectionAttempts++;
            try {
                await call;
            } catch (e) {
                assert.ok(e instanceof ProviderCallError, String(e));
                assert.match(e.message, operation);
                return;
            }
            assert.fail("the call succeeded");
        }

        it("create with a hostile machineId or computerDnsName (check skipped) sends nothing", async () => {
            const registered = await world.register("h", { machineId: ID, comment: "INC-5" });
            for (const value of HOSTILE.filter((v) => !MACHINE_ID.test(v))) {
                await fails(world.host.create(world.urn("h"), { ...registered, machineId: value, comment: "INC-5" }), /^Isolate device /);
            }
            for (const value of HOSTILE.filter((v) => !/^[A-Za-z0-9.-]+$/.test(v))) {
                const { machineId: _omit, ...rest } = registered;
                await fails(world.host.create(world.urn("h"), { ...rest, computerDnsName: value, comment: "INC-5" }), /^Isolate device /);
            }
            onlyLegitimateRequests();
            assert.deepEqual(world.emulator.state().actions, [], "nothing was isolated");
        });

        it("refresh and destroy of a resource whose id or state is hostile send nothing outside the known endpoints", async () => {
            const registered = await world.register("h", { machineId: ID, comment: "INC-5" });
            // State as the engine keeps it: the outputs, with the serialized provider that read and delete run.
            const state = {
                __provider: registered.__provider,
                machineId: ID,
                computerDnsName: "fin-lt-042.contoso.com",
                comment: "INC-5",
                isolationType: "Full",
            };
            for (const value of HOSTILE.filter((v) => !ACTION_ID.test(v) && v !== "")) {
                await fails(world.host.read(value, world.urn("h"), state), /^Refresh of /);
                await fails(world.host.delete(value, world.urn("h"), state), /^Release device /);
            }
            for (const value of HOSTILE.filter((v) => !MACHINE_ID.test(v))) {
                await fails(world.host.delete(GUID, world.urn("h"), { ...state, machineId: value }), /^Release device /);
            }
            onlyLegitimateRequests();
            assert.deepEqual(world.emulator.state().actions, [], "nothing was released or cancelled");
        });
    });
});
