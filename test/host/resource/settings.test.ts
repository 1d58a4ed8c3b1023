/**
 * Which identity the provider acts as: never one the user did not choose. The ambient chain
 * (DefaultAzureCredential) only with `defender:authMethod ambient`; no client secret and no choice is
 * refused before any network call, naming the keys and the fix.
 */
import { strict as assert } from "assert";
import { readSettings } from "../../../provider/resource/settings";
import { CONFIGURATION_TOLD } from "../../../provider/resource/context";
import { startWorld } from "../../../testkit/world";

const TRIO = {
    tenantId: "7d6b0a4e-1c3f-4d2b-9a8e-3f1e2d4c5b6a",
    clientId: "c0ffee00-1234-4abc-9def-0123456789ab",
    clientSecret: "S3cr3t~settings-0f9e8d7c",
};

function settings(config: Record<string, string>) {
    return readSettings((key) => config[key.replace(/^defender:/, "")]);
}

describe("provider settings: the identity is always a choice", () => {
    const refused: Array<[string, Record<string, string>, RegExp[]]> = [
        [
            "nothing set (or stack config that never reached the provider)",
            {},
            [
                /defender:authMethod is not set/,
                /defender:tenantId/,
                /defender:clientId/,
                /--secret defender:clientSecret/,
                /defender:authMethod ambient/,
                /too old to pass stack config/,
            ],
        ],
        ["only blanks", { tenantId: " ", clientId: "", clientSecret: "" }, [/defender:authMethod is not set/]],
        [
            "ambient with a client secret",
            { authMethod: "ambient", clientSecret: TRIO.clientSecret },
            [/defender:authMethod ambient .* clientSecret must not be set/],
        ],
        ["an unknown method", { authMethod: "Ambient" }, [/defender:authMethod must be one of clientSecret, ambient/]],
        ["clientSecret without the secret", { authMethod: "clientSecret", tenantId: TRIO.tenantId, clientId: TRIO.clientId }, [/clientSecret is missing/]],
    ];
    for (const [title, config, patterns] of refused) {
        it(`refuses ${title}`, () => {
            let message = "";
            try {
                settings(config);
            } catch (e) {
                message = (e as Error).message;
            }
            assert.ok(message !== "", "refused");
            for (const p of patterns) assert.match(message, p);
            assert.ok(!message.includes(TRIO.clientSecret), "the secret is not echoed");
        });
    }

    const accepted: Array<[string, Record<string, string>, string | undefined]> = [
        ["the three keys", TRIO, undefined],
        ["the three keys and authMethod clientSecret", { ...TRIO, authMethod: "clientSecret" }, "clientSecret"],
        ["authMethod ambient", { authMethod: "ambient" }, "ambient"],
        ["authMethod ambient with a tenant and client id", { authMethod: "ambient", tenantId: TRIO.tenantId, clientId: TRIO.clientId }, "ambient"],
    ];
    for (const [title, config, method] of accepted) {
        it(`accepts ${title}`, () => {
            assert.equal(settings(config).client.authMethod, method);
        });
    }

    it("through the host: with no identity chosen, check refuses naming the keys, once in full; no stack trace; nothing is sent anywhere", async function () {
        this.timeout(30_000);
        const world = await startWorld({ config: { tenantId: "", clientId: "", clientSecret: "" } });
        try {
            const args = { machineId: "a1beb9c642989d916897d4ce0a770c37adc96b20", comment: "c" };
            const first = await world.host.check(world.urn("laptop"), {}, await world.register("laptop", args));
            const second = await world.host.check(
                world.urn("desktop"),
                {},
                await world.register("desktop", { ...args, machineId: "f773d5f2d89dcf86581ce3c75319706cff4c0e64" }),
            );
            assert.equal(first.failures.length, 1);
            assert.equal(first.failures[0].property, "");
            assert.match(first.failures[0].reason, /^Invalid provider configuration:\n {2}- defender:authMethod is not set.*defender:clientId/s);
            assert.deepEqual(second.failures, [{ property: "", reason: CONFIGURATION_TOLD }], "the second device refers to the first error");
            // An operation the engine sends anyway (a refresh's read, say) fails with the short reference too.
            await assert.rejects(
                world.host.create(world.urn("laptop"), first.inputs),
                /Isolate device a1beb9c642989d916897d4ce0a770c37adc96b20: not attempted: the provider's defender:\* configuration is invalid/,
            );
            assert.deepEqual(
                world.host.stderr().filter((l) => /^\s+at /.test(l)),
                [],
                "no stack trace from the host",
            );
            assert.deepEqual(world.emulator.requests(), [], "no token or API request");
        } finally {
            await world.stop();
        }
    });
});
