import { strict as assert } from "assert";
import { deviceLimitExceeded, isolationResources, MASS_ISOLATION_DEFAULTS, massIsolationViolations } from "../../../provider/rules/massIsolation";
import { DEVICE_ISOLATION_TYPE, NATIVE_DEVICE_ISOLATION_TYPE } from "../../../provider/rules/declaration";
import { ISOLATION_PROVIDER_TEXT } from "../../../provider/rules/stackResources";
import { deviceLimitProblem } from "../../../provider/incidents/guardrails";

const declarations = (n: number) => Array.from({ length: n }, (_, i) => ({ computerDnsName: `fin-lt-${i}.contoso.com` }));

describe("policy/mass-isolation-brake", () => {
    const table: [declared: number, max: number, exceeded: boolean][] = [
        [0, 1, false],
        [1, 1, false],
        [2, 1, true],
        [50, 50, false],
        [51, 50, true],
        [10_000, 9_999, true],
    ];
    for (const [declared, max, exceeded] of table) {
        it(`${declared} devices, maxDevices ${max}: ${exceeded ? "exceeded" : "within"}`, () => {
            assert.equal(deviceLimitExceeded(declared, max), exceeded ? `declares ${declared} devices, more than maxDevices (${max})` : undefined);
            assert.equal(massIsolationViolations(declarations(declared), { ...MASS_ISOLATION_DEFAULTS, maxDevices: max }).length, exceeded ? 1 : 0);
        });
    }

    it("says how many, the limit, and who can raise it", () => {
        const [v] = massIsolationViolations(declarations(63), { maxDevices: 50, approver: "the SOC lead (soc-lead@contoso.com)" });
        assert.equal(
            v,
            "this stack declares 63 devices, more than maxDevices (50): check the declarations (the incident files); if 63 devices must really be isolated, only the SOC lead (soc-lead@contoso.com) can raise the limit (maxDevices of mass-isolation-brake in the policy pack's config)",
        );
        assert.match(massIsolationViolations(declarations(51), MASS_ISOLATION_DEFAULTS)[0], /only the owner of this policy pack's config can raise/);
    });

    it("counts isolation declarations by what they are, whatever their type token, the native provider's too", () => {
        const declaration = { machineId: "a".repeat(40), comment: "INC-1 x" };
        const resources = [
            { type: "pulumi:pulumi:Stack", props: {} },
            { type: DEVICE_ISOLATION_TYPE, props: { ...declaration, __provider: ISOLATION_PROVIDER_TEXT } },
            { type: "pulumi:providers:pulumi-nodejs", props: {} },
            // The same declaration under a renamed type, by its provider text...
            { type: "pulumi-nodejs:dynamic/defender:Renamed", props: { ...declaration, __provider: ISOLATION_PROVIDER_TEXT } },
            // ... by the loader's shape after an edit ...
            { type: "pulumi-nodejs:dynamic:Resource", props: { ...declaration, __provider: ISOLATION_PROVIDER_TEXT.replace("Install", "setup") } },
            // ... and by its inputs under a provider text of its own.
            { type: "pulumi-nodejs:dynamic:Resource", props: { computerDnsName: "x.contoso.com", comment: "c", __provider: "exports.handler=()=>({})" } },
            // Not a declaration: a dynamic resource with other inputs, another provider's resource.
            { type: "pulumi-nodejs:dynamic:Resource", props: { url: "https://x", __provider: "exports.handler=()=>({})" } },
            { type: "command:local:Command", props: { create: "curl", comment: "c", machineId: "x" } },
            // The native provider's DeviceIsolation, and its provider.
            { type: "pulumi:providers:defender", props: {} },
            { type: NATIVE_DEVICE_ISOLATION_TYPE, props: { ...declaration } },
        ];
        assert.deepEqual(
            isolationResources(resources).map((r) => resources.indexOf(r)),
            [1, 3, 4, 5, 9],
        );
    });

    it("is the GitOps program's maxDevices rule too: same verdict, same words", () => {
        for (const [declared, max] of table) {
            const problem = deviceLimitProblem(declared, max, "incidents");
            assert.equal(problem?.message, deviceLimitExceeded(declared, max));
        }
    });
});
