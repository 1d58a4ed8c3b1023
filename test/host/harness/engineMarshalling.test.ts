import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { fromWire, marshalProperties, secret, UNKNOWN, urnFor } from "../../../testkit/host/providerHost";

const SIG = pulumi.runtime.specialSigKey;
const RESOURCE_SIG = pulumi.runtime.specialResourceSig;

describe("engine marshalling toward a dynamic provider", () => {
    const crud = { label: "create(properties)", keepSecrets: false, keepUnknowns: false };
    const preview = { label: "check(news)", keepSecrets: false, keepUnknowns: true };

    it("sends secrets as plaintext when the provider does not accept secrets", () => {
        const wire = marshalProperties({ a: secret("s1"), nested: { b: secret({ c: 1 }) }, list: [secret("x"), "y"] }, crud);
        assert.deepEqual(wire, { a: "s1", nested: { b: { c: 1 } }, list: ["x", "y"] });
    });

    it("keeps secrets wrapped when asked to (Configure)", () => {
        const wire = marshalProperties({ "defender:clientSecret": secret("s1") }, { ...crud, keepSecrets: true });
        assert.deepEqual(wire, { "defender:clientSecret": { [SIG]: pulumi.runtime.specialSecretSig, value: "s1" } });
    });

    it("drops unknowns outside preview and keeps the sentinel during preview", () => {
        const props = { a: UNKNOWN, b: "known", list: ["x", UNKNOWN], nested: { c: UNKNOWN } };
        assert.deepEqual(marshalProperties(props, crud), { b: "known", list: ["x"], nested: {} });
        assert.deepEqual(marshalProperties(props, preview), props);
    });

    it("replaces a resource reference by its id, or its urn without one", () => {
        const urn = urnFor("pulumi-nodejs:dynamic/counter:Counter", "c1");
        const wire = marshalProperties({ withId: { [SIG]: RESOURCE_SIG, urn, id: "counter-1" }, withoutId: { [SIG]: RESOURCE_SIG, urn } }, crud);
        assert.deepEqual(wire, { withId: "counter-1", withoutId: urn });
    });

    const rejected: Array<[string, Record<string, unknown>, RegExp]> = [
        ["undefined", { a: { b: [1, undefined] } }, /"a\.b\[1\]" is undefined; the engine never sends undefined/],
        ["NaN", { n: Number.NaN }, /"n" is NaN; state is JSON/],
        ["a Date", { d: new Date(0) }, /"d" is an instance of Date; properties are plain JSON values/],
        ["a function", { f: () => 1 }, /"f" is a function/],
    ];
    for (const [what, props, message] of rejected) {
        it(`rejects ${what} with the field's path`, () => {
            assert.throws(() => marshalProperties(props, crud), message);
        });
    }

    it("decodes a wire map into plain JSON and lists its secret paths", () => {
        const decoded = fromWire({ a: secret("s"), nested: { b: secret(2), c: 3 }, ref: { [SIG]: RESOURCE_SIG, urn: "u", id: "i" } });
        assert.deepEqual(decoded, { properties: { a: "s", nested: { b: 2, c: 3 }, ref: "i" }, secretPaths: ["a", "nested.b"] });
    });

    it("builds URNs as the engine does", () => {
        const type = "pulumi-nodejs:dynamic/counter:Counter";
        assert.equal(urnFor(type, "c1", "proj", "dev"), `urn:pulumi:dev::proj::${type}::c1`);
        assert.equal(urnFor(type, "c1", "proj", "dev", "pulumi:pulumi:Stack"), `urn:pulumi:dev::proj::${type}::c1`);
        assert.equal(urnFor(type, "c1", "proj", "dev", "my:comp:Group"), `urn:pulumi:dev::proj::my:comp:Group$${type}::c1`);
    });
});
