// The native provider's schema: one source (provider/apps/plugin/schema.ts), the checked-in
// schema.json equal to it, and the schema naming exactly what the lifecycle accepts and returns.
import { strict as assert } from "assert";
import * as fs from "fs";
import { buildSchema, NATIVE_DEVICE_ISOLATION_TYPE } from "../../../../provider/apps/plugin/schema";
import { checkInputs } from "../../../../provider/resource/inputs";
import { CONFIG_KEYS } from "../../../../provider/resource/settings";
import { expectedSchema, SCHEMA_FILE } from "../../../../scripts/schema";

interface Schema {
    config: { variables: Record<string, { secret?: boolean }> };
    resources: Record<string, { inputProperties: Record<string, unknown>; properties: Record<string, unknown>; requiredInputs: string[] }>;
}

describe("the native provider's schema", () => {
    const schema = buildSchema("1.2.3") as unknown as Schema;
    const resource = schema.resources[NATIVE_DEVICE_ISOLATION_TYPE];

    it("schema.json is what provider/apps/plugin/schema.ts builds (npm run schema writes it)", () => {
        assert.equal(fs.readFileSync(SCHEMA_FILE, "utf8"), expectedSchema());
    });

    it("declares every defender:* setting the provider reads, clientSecret as a secret", () => {
        assert.deepEqual(Object.keys(schema.config.variables), [...CONFIG_KEYS]);
        assert.deepEqual(
            Object.entries(schema.config.variables)
                .filter(([, v]) => v.secret)
                .map(([k]) => k),
            ["clientSecret"],
        );
    });

    it("its inputs are exactly the arguments check accepts", () => {
        const declared = Object.fromEntries(Object.keys(resource.inputProperties).map((k) => [k, undefined]));
        const unknownArgument = checkInputs({ ...declared, machineId: "a".repeat(40), comment: "x", notAnArgument: 1 }).failures;
        assert.deepEqual(
            unknownArgument.map((f) => f.property),
            ["notAnArgument"],
        );
        assert.match(unknownArgument[0].reason, new RegExp(`allowed: ${Object.keys(resource.inputProperties).join(", ")}$`));
        assert.deepEqual(resource.requiredInputs, ["comment"]);
    });

    it("its outputs are the state the lifecycle writes", () => {
        assert.deepEqual(Object.keys(resource.properties).sort(), [
            "comment",
            "completionTimeoutSeconds",
            "computerDnsName",
            "creationDateTimeUtc",
            "isolationType",
            "lastUpdateDateTimeUtc",
            "machineActionId",
            "machineId",
            "protectedMachineTags",
            "releaseComment",
            "requestor",
            "status",
            "waitForCompletion",
        ]);
    });
});
