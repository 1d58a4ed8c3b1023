// Which provider arguments the plugin refuses at Configure: any setting that differs from the stack
// config (an explicit provider meant for another tenant), never the engine's own keys.
import { strict as assert } from "assert";
import { stackConfig } from "../../../../provider/apps/plugin/config";
import { differingArguments, explicitArgumentsError } from "../../../../provider/apps/plugin/explicitProvider";

const SECRET = (value: string) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });
const stack = stackConfig(JSON.stringify({ tenantId: "t-1", clientId: "c-1", clientSecret: "s-1", rateLimits: '[{"calls":100,"perSeconds":60}]' }));

describe("apps/plugin: an explicit provider's arguments", () => {
    it("the default provider's arguments (the stack config itself, secrets wrapped, the engine's keys) pass", () => {
        const args = {
            tenantId: "t-1",
            clientId: "c-1",
            clientSecret: SECRET("s-1"),
            rateLimits: [{ calls: 100, perSeconds: 60 }],
            version: "0.1.0",
            __internal: { pluginDownloadURL: "x" },
        };
        assert.deepEqual(differingArguments(args, stack), []);
        assert.deepEqual(differingArguments({}, stack), []);
    });

    it("names every setting that differs or that the stack does not set, namespaced or not", () => {
        assert.deepEqual(differingArguments({ tenantId: "t-2", "defender:clientSecret": SECRET("other"), cloud: "GCC", clientId: "c-1" }, stack), [
            "cloud",
            "defender:clientSecret",
            "tenantId",
        ]);
    });

    it("the refusal names the keys and the fix, never a value", () => {
        const e = explicitArgumentsError(["clientSecret", "tenantId"]);
        assert.match(e.message, /sets 'clientSecret', 'tenantId' to other values/);
        assert.match(e.message, /pulumi config set defender:<key> <value>/);
        assert.ok(!e.message.includes("s-1"));
    });
});
