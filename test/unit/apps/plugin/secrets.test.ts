// Secrets on the native provider's wire: unwrapped for the lifecycle, the keys that held one
// remembered, and the outputs of those keys wrapped again.
import { strict as assert } from "assert";
import { union, unwrapSecrets, wrapSecrets } from "../../../../provider/apps/plugin/secrets";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const secret = (value: unknown) => ({ [SIG]: SECRET, value });

describe("apps/plugin: secrets on the wire", () => {
    it("unwraps top-level and nested secrets, naming the top-level keys that held one", () => {
        const { plain, secretKeys } = unwrapSecrets({
            machineId: "a".repeat(40),
            comment: secret("INC-1"),
            protectedMachineTags: ["Tier0", secret("VIP")],
            nested: secret(secret("twice")),
        });
        assert.deepEqual(plain, { machineId: "a".repeat(40), comment: "INC-1", protectedMachineTags: ["Tier0", "VIP"], nested: "twice" });
        assert.deepEqual([...secretKeys].sort(), ["comment", "nested", "protectedMachineTags"]);
    });

    it("wraps exactly the named keys, whole, and leaves the rest as it is", () => {
        const outs = { comment: "INC-1", status: "Succeeded", protectedMachineTags: ["Tier0"] };
        assert.deepEqual(wrapSecrets(outs, new Set(["comment", "protectedMachineTags", "absent"])), {
            comment: secret("INC-1"),
            status: "Succeeded",
            protectedMachineTags: secret(["Tier0"]),
        });
        assert.equal(wrapSecrets(outs, new Set()), outs);
    });

    it("no properties, no secrets; union keeps every key", () => {
        assert.deepEqual(unwrapSecrets(undefined), { plain: {}, secretKeys: new Set() });
        assert.deepEqual([...union(new Set(["a"]), new Set(["b", "a"]))].sort(), ["a", "b"]);
    });
});
