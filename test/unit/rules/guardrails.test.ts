// The guardrails as a whole: names, schemas and defaults the pack publishes, and the folder's
// self-containment (the pack compiles provider/rules into itself).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DEVICE_ISOLATION_TYPE as REGISTERED_TYPE, PROVIDER_TEXT } from "../../../provider/resource/deviceIsolation";
import { DEVICE_ISOLATION_TYPE, GUARDRAILS, ISOLATION_PROVIDER_TEXT, withDefaults, type JsonSchema } from "../../../provider/rules";
import { planDevices } from "../../../provider/incidents/devicePlan";
import { loadIncidentFolder } from "../../../provider/incidents/incidentFolder";
import { DEFAULT_MAX_DEVICES, DEFAULT_PROTECTED_TAGS } from "../../../provider/apps/gitops/options";
import { REPO_ROOT } from "../../../testkit/paths";

const ROOT = REPO_ROOT;

describe("policy/guardrails", () => {
    it("seven guardrails, unique names: four over isolation declarations, the brake over the stack, two over every resource (the provider text's run as a remediation, the one place CrossGuard shows it)", () => {
        assert.deepEqual(
            GUARDRAILS.map((g) => `${g.name}:${g.kind}:${g.enforcementLevel}`),
            [
                "protected-devices:resource:mandatory",
                "mass-isolation-brake:stack:mandatory",
                "incident-traceability:resource:mandatory",
                "isolation-type-by-device-class:resource:advisory",
                "release-reason:resource:mandatory",
                "allowed-resource-types:anyResource:mandatory",
                "isolation-provider-text:provider:remediate",
            ],
        );
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
        assert.equal(DEVICE_ISOLATION_TYPE, REGISTERED_TYPE);
        assert.equal(DEVICE_ISOLATION_TYPE, "pulumi-nodejs:dynamic/defender:DeviceIsolation");
    });

    it("its copy of the provider text is the loader every DeviceIsolation carries", () => {
        assert.equal(ISOLATION_PROVIDER_TEXT, PROVIDER_TEXT);
    });

    it("provider/rules imports nothing from outside itself (the pack compiles the folder in)", () => {
        const dir = path.join(ROOT, "provider/rules");
        const files = fs.readdirSync(dir).filter((f) => f.endsWith(".ts"));
        assert.ok(files.includes("massIsolation.ts"), `not the source folder: ${dir}`);
        const offenders = files.flatMap((f) =>
            // Double-quoted strings are data (the provider text holds a require of its own), except an import's path.
            [...blankStrings(fs.readFileSync(path.join(dir, f), "utf8")).matchAll(/(?:from\s+|require\(|import\()\s*["']([^"']+)["']/g)]
                .map((m) => m[1])
                .filter((spec) => !spec.startsWith("./"))
                .map((spec) => `${f}: ${spec}`),
        );
        assert.deepEqual(offenders, []);
    });
});

describe("policy/config.json: the repository's own pack config", () => {
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, "policy/config.json"), "utf8")) as Record<string, Record<string, unknown>>;
    const LEVELS = ["advisory", "mandatory", "disabled"];

    it("names guardrails and properties of their schemas only, with values of the schema's type", () => {
        const byName = new Map(GUARDRAILS.map((g) => [g.name, g]));
        for (const [policy, settings] of Object.entries(config)) {
            const g = byName.get(policy);
            assert.ok(g, `${policy} is a guardrail`);
            for (const [key, value] of Object.entries(settings)) {
                if (key === "enforcementLevel") {
                    assert.ok(LEVELS.includes(value as string), `${policy}.${key}`);
                    continue;
                }
                const p: JsonSchema | undefined = g.configSchema.properties[key];
                assert.ok(p, `${policy}.${key} is in the schema`);
                const type = Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
                assert.equal(type, p.type, `${policy}.${key}`);
            }
        }
    });

    it("leaves isolation-provider-text at remediate, the only level at which CrossGuard runs it", () => {
        const level = (config["isolation-provider-text"] as { enforcementLevel?: string } | undefined)?.enforcementLevel;
        assert.ok(level === undefined || level === "remediate", `isolation-provider-text is set to ${level}: it would not run`);
    });

    it("lets the example incidents through with no violation at all", () => {
        const folder = loadIncidentFolder(path.join(ROOT, "examples/incidents"), { displayRoot: ROOT });
        const plan = planDevices(folder.incidents, new Date("2026-01-01T00:00:00Z"));
        const declarations = plan.devices.map((d) => ({ ...d, protectedMachineTags: [...DEFAULT_PROTECTED_TAGS] }));
        for (const g of GUARDRAILS) {
            const c = withDefaults(g.defaults, config[g.name] as never);
            const found =
                g.kind === "stack"
                    ? g.check(declarations, c)
                    : g.kind === "anyResource" || g.kind === "provider"
                      ? declarations.flatMap((d) => g.check({ type: REGISTERED_TYPE, props: { ...d, __provider: PROVIDER_TEXT } }, c))
                      : declarations.flatMap((d) => g.check(d, c));
            assert.deepEqual(found, [], g.name);
        }
    });
});

/** Source text with every double-quoted string emptied, except one that follows `from`, `import(` or `require(`. */
function blankStrings(source: string): string {
    return source.replace(/(from\s+|import\(\s*|require\(\s*)?"(?:[^"\\\n]|\\.)*"/g, (m, keep: string | undefined) => (keep ? m : '""'));
}
