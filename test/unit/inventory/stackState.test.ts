import assert from "node:assert/strict";
import { DEVICE_ISOLATION_TYPE, stackDeclarations } from "../../../provider/inventory";

const id = (c: string) => c.repeat(40);
const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };

function exportText(resources: unknown[], pending: unknown[] = []): string {
    return JSON.stringify({ version: 3, deployment: { manifest: {}, resources, ...(pending.length ? { pending_operations: pending } : {}) } });
}

const resource = (name: string, outputs: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    urn: `urn:pulumi:prod::defender-incidents::${DEVICE_ISOLATION_TYPE}::${name}`,
    custom: true,
    id: "00000000-0000-4000-8000-000000000001",
    type: DEVICE_ISOLATION_TYPE,
    inputs: { ...outputs },
    outputs,
    ...extra,
});

describe("inventory/stackState: what a stack export declares", () => {
    it("reads every live DeviceIsolation by machineId (with its name, which links it to incident files), else by name; skips other types and replaced resources", () => {
        const read = stackDeclarations(
            exportText([
                { urn: "urn:pulumi:prod::p::pulumi:pulumi:Stack::p-prod", type: "pulumi:pulumi:Stack" },
                resource("isolate-a", { machineId: id("A"), computerDnsName: "a.contoso.com" }),
                resource("isolate-b.contoso.com", { computerDnsName: "B.contoso.com" }),
                resource("old", { machineId: id("c") }, { delete: true }),
                { urn: "urn:pulumi:prod::p::pulumi-nodejs:dynamic:Resource::other", type: "pulumi-nodejs:dynamic:Resource", outputs: { machineId: id("d") } },
            ]),
            "prod",
        );
        assert.deepEqual(read, {
            declarations: [
                { machineId: id("a"), computerDnsName: "a.contoso.com", source: "stack prod" },
                { computerDnsName: "b.contoso.com", source: "stack prod" },
            ],
            warnings: [],
        });
    });

    it("reads the native provider's DeviceIsolation (defender:index:DeviceIsolation) as the dynamic one", () => {
        const native = { ...resource("native", { machineId: id("9") }), type: "defender:index:DeviceIsolation" };
        native.urn = "urn:pulumi:prod::p::defender:index:DeviceIsolation::native";
        const read = stackDeclarations(
            exportText([native, { urn: "urn:pulumi:prod::p::pulumi:providers:defender::default", type: "pulumi:providers:defender" }]),
            "prod",
        );
        assert.deepEqual(read, { declarations: [{ machineId: id("9"), source: "stack prod" }], warnings: [] });
    });

    it("a resource whose device is secret or missing is named in a warning, not counted", () => {
        const read = stackDeclarations(exportText([resource("x", { machineId: SECRET, computerDnsName: SECRET })]), "prod");
        assert.deepEqual(read.declarations, []);
        assert.match(read.warnings[0], /::x: neither its machineId nor its computerDnsName can be read/);
    });

    it("an interrupted create counts as declared, with a warning", () => {
        const read = stackDeclarations(
            exportText(
                [],
                [
                    { type: "creating", resource: resource("isolate-e", { machineId: id("e") }) },
                    { type: "deleting", resource: resource("f", { machineId: id("f") }) },
                ],
            ),
            "prod",
        );
        assert.deepEqual(read.declarations, [{ machineId: id("e"), source: "stack prod" }]);
        assert.match(read.warnings[0], /interrupted .* may have isolated e{40}/);
    });

    it("refuses what is not a stack export", () => {
        assert.throws(() => stackDeclarations("not json", "prod"), /state of stack prod is not JSON/);
        assert.throws(() => stackDeclarations('{"version":3}', "prod"), /has no "deployment"/);
    });
});
