/**
 * The token endpoint under faults, through the real provider host and the real ClientSecretCredential:
 * slow, refusing, tokens expiring or revoked in the middle of a wait. A command whose token request
 * matters starts in a new host (hosts cache their token); revocation refuses whatever a host holds.
 */
import { strict as assert } from "assert";
import { DEFAULT_DEVICES } from "../../../emulator";
import type { DeviceIsolationArgs } from "../../../provider";
import { journey } from "../../../testkit/faults/faultJourney";
import { actionsOf, assertFailed, FAST_ACTIONS, SLOW_ACTIONS, whenWaiting } from "../../../testkit/faults/faultHelpers";
import { describeScenarios, type Scenario } from "../../../testkit/faults/faultLanes";
import type { Rig } from "../../../testkit/faults/faultRig";
import { CLIENT_SECRET } from "../../../testkit/world";

const LAPTOP = DEFAULT_DEVICES.finLaptop;
const laptop: DeviceIsolationArgs = { machineId: LAPTOP.id, comment: "INC-9 beacon" };

const tokenRequests = (rig: Rig) => rig.emulator.requests().filter((r) => r.route === "token");
const unauthorized = (rig: Rig) => rig.emulator.requests().filter((r) => r.status === 401 && r.route !== "token");

const scenarios: Scenario[] = [
    {
        title: "a slow token endpoint (2 s) only slows the command",
        async run(rig) {
            rig.inject({ route: "token", kind: "delay", delayMs: 2000 });
            const result = await journey(rig, "laptop", laptop, { freshFor: "create" });
            assert.ok(result.first.create?.ok);
            rig.assertInvariants();
        },
    },
    {
        title: "a token endpoint refusing the secret fails the command naming the credentials, before any API call",
        async run(rig) {
            rig.inject({ route: "token", kind: "tokenFailure", status: 401, error: "invalid_client", errorCode: 7000215, count: 10 });
            const result = await rig.command((cmd) => cmd.create("laptop", laptop), { fresh: true });
            assertFailed(result, /Isolate device .*invalid_client.*Check defender:tenantId, defender:clientId and defender:clientSecret/);
            assert.ok(!result.ok && !result.error.message.includes(CLIENT_SECRET));
            assert.deepEqual(
                rig.emulator.requests().filter((r) => r.path.startsWith("/api/")),
                [],
                "no API call without a token",
            );
            rig.assertInvariants();
        },
    },
    {
        title: "the token expires in the middle of create's wait: one 401, one fresh token, one isolate",
        async run(rig) {
            rig.emulator.configure({ tokenLifetimeSeconds: 600, ...SLOW_ACTIONS });
            const result = await journey(rig, "laptop", laptop, {
                freshFor: "create", // its token must carry the short lifetime
                during: {
                    create: async (r, cmd) => {
                        await whenWaiting(r, cmd, "Isolate", LAPTOP.id);
                        r.emulator.configure(FAST_ACTIONS);
                        r.emulator.advanceClock(601_000); // the token is past its expiry; the action is long done
                    },
                },
            });
            assert.ok(result.first.create?.ok);
            assert.ok(unauthorized(rig).length >= 1, "the expired token was refused");
            assert.equal(actionsOf(rig, "Isolate", LAPTOP.id).length, 1);
            rig.assertInvariants();
        },
    },
    {
        title: "every token revoked while delete waits: the provider gets a fresh one and the release completes",
        async run(rig) {
            const result = await journey(rig, "laptop", laptop, {
                noRefresh: true,
                before: { delete: (r) => void r.emulator.configure(SLOW_ACTIONS) },
                during: {
                    delete: async (r, cmd) => {
                        const release = await whenWaiting(r, cmd, "Unisolate", LAPTOP.id);
                        const before = tokenRequests(r).length;
                        r.emulator.revokeTokens();
                        r.emulator.forceAction(release.id, "Succeeded");
                        await cmd.nextLine(/Unisolate .* Succeeded/);
                        assert.ok(tokenRequests(r).length > before, "a fresh token was requested");
                    },
                },
            });
            assert.ok(result.first.delete?.ok);
            assert.ok(unauthorized(rig).length >= 1);
            assert.equal(actionsOf(rig, "Unisolate", LAPTOP.id).length, 1);
            rig.assertInvariants();
        },
    },
    {
        title: "tokens revoked and the token endpoint failing at the refresh while create waits: the accepted isolate is recorded with a warning",
        async run(rig) {
            rig.emulator.configure(SLOW_ACTIONS);
            const result = await journey(rig, "laptop", laptop, {
                during: {
                    create: async (r, cmd) => {
                        const action = await whenWaiting(r, cmd, "Isolate", LAPTOP.id);
                        r.inject({ route: "token", kind: "tokenFailure", status: 400, error: "invalid_client", count: 50 });
                        r.emulator.revokeTokens();
                        r.emulator.configure(FAST_ACTIONS);
                        r.emulator.forceAction(action.id, "Succeeded");
                    },
                },
            });
            // Status reads failing after the isolate was accepted: recorded with a warning, never lost.
            assert.ok(result.first.create?.ok);
            assert.match(rig.hostOutput().join("\n"), /accepted but its status could not be read/);
            assert.equal(actionsOf(rig, "Isolate", LAPTOP.id).length, 1);
            rig.assertInvariants();
        },
    },
];

// A 2 s token endpoint is slow, not dead: the request timeout is 5 s here.
describeScenarios("the token endpoint under faults", scenarios, { lanes: 3, rig: { config: { requestTimeoutSeconds: "5" } } });
