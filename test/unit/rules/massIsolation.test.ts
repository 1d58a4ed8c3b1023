import { strict as assert } from "assert";
import { deviceLimitExceeded, isolationResources, MASS_ISOLATION_DEFAULTS, massIsolationViolations } from "../../../provider/rules/massIsolation";
import { DEVICE_ISOLATION_TYPE, NATIVE_DEVICE_ISOLATION_TYPE } from "../../../provider/rules/declaration";
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

    it("counts DeviceIsolation resources only, the dynamic resource's and the native provider's", () => {
        const resources = [
            { type: "pulumi:pulumi:Stack" },
            { type: DEVICE_ISOLATION_TYPE },
            { type: "pulumi:providers:pulumi-nodejs" },
            { type: DEVICE_ISOLATION_TYPE },
            { type: "pulumi:providers:defender" },
            { type: NATIVE_DEVICE_ISOLATION_TYPE },
            { type: "defender:index:Other" },
        ];
        assert.deepEqual(
            isolationResources(resources).map((r) => r.type),
            [DEVICE_ISOLATION_TYPE, DEVICE_ISOLATION_TYPE, NATIVE_DEVICE_ISOLATION_TYPE],
        );
    });

    it("is the GitOps program's maxDevices rule too: same verdict, same words", () => {
        for (const [declared, max] of table) {
            const problem = deviceLimitProblem(declared, max, "incidents");
            assert.equal(problem?.message, deviceLimitExceeded(declared, max));
        }
    });
});
