// The guardrails as a whole: names, schemas and defaults the pack publishes, and the folder's
// self-containment (the pack compiles provider/policy into itself).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DEVICE_ISOLATION_TYPE, GUARDRAILS, withDefaults } from "../../provider/policy";
import { DEFAULT_MAX_DEVICES, DEFAULT_PROTECTED_TAGS } from "../../provider/gitops/options";

const ROOT = path.resolve(__dirname, "../../..");

describe("policy/guardrails", () => {
    it("five guardrails, unique names, one stack policy (the brake)", () => {
        assert.deepEqual(GUARDRAILS.map((g) => `${g.name}:${g.kind}:${g.enforcementLevel}`), [
            "protected-devices:resource:mandatory",
            "mass-isolation-brake:stack:mandatory",
            "incident-traceability:resource:mandatory",
            "isolation-type-by-device-class:resource:advisory",
            "release-reason:resource:mandatory",
        ]);
    });

    it("each config schema states every default the check runs with, and nothing else", () => {
        for (const g of GUARDRAILS) {
            const fromSchema = Object.fromEntries(Object.entries(g.configSchema.properties).map(([k, p]) => [k, p.default]));
            assert.deepEqual(fromSchema, g.defaults, g.name);
            for (const [k, p] of Object.entries(g.configSchema.properties)) assert.ok(p.description.length > 10, `${g.name}.${k} has a description`);
        }
    });

    it("the pack's defaults are the GitOps program's: maxDevices and the protected tag", () => {
        const by = Object.fromEntries(GUARDRAILS.map((g) => [g.name, g.defaults]));
        assert.equal(by["mass-isolation-brake"].maxDevices, DEFAULT_MAX_DEVICES);
        assert.deepEqual(by["protected-devices"].protectedTags, [...DEFAULT_PROTECTED_TAGS]);
    });

    it("withDefaults: what the config sets wins, null and undefined do not", () => {
        assert.deepEqual(withDefaults({ a: 1, b: "x" }, { a: 2 }), { a: 2, b: "x" });
        assert.deepEqual(withDefaults({ a: 1, b: "x" }, { a: undefined, b: null as unknown as string }), { a: 1, b: "x" });
        assert.deepEqual(withDefaults({ a: 1 }, undefined), { a: 1 });
    });

    it("matches the type the dynamic resource registers", () => {
        const source = fs.readFileSync(path.join(ROOT, "provider/deviceIsolation.ts"), "utf8");
        assert.match(source, /"defender", "DeviceIsolation"\);/);
        assert.equal(DEVICE_ISOLATION_TYPE, "pulumi-nodejs:dynamic/defender:DeviceIsolation");
    });

    it("provider/policy imports nothing from outside itself (the pack compiles the folder in)", () => {
        const dir = path.join(ROOT, "provider/policy");
        const files = fs.readdirSync(dir).filter((f) => f.endsWith(".ts"));
        assert.ok(files.includes("massIsolation.ts"), `not the source folder: ${dir}`);
        const offenders = files.flatMap((f) => [...fs.readFileSync(path.join(dir, f), "utf8").matchAll(/(?:from\s+|require\(|import\()\s*["']([^"']+)["']/g)]
            .map((m) => m[1]).filter((spec) => !spec.startsWith("./")).map((spec) => `${f}: ${spec}`));
        assert.deepEqual(offenders, []);
    });
});
