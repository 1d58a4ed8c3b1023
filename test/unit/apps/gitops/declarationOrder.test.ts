import { strict as assert } from "assert";
import { declaredDevices, newDevicesFirst } from "../../../../provider/apps/gitops/declarationOrder";

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);

describe("gitops: the order devices are declared in", () => {
    it("reads the device ids every incident of the last deployment listed, lower-cased", () => {
        const outputs = {
            deviceCount: 3,
            incidents: {
                "INC-1": {
                    devices: [
                        { name: `isolate-${A}`, machineId: A.toUpperCase() },
                        { name: "isolate-pc1", machineId: null },
                    ],
                },
                "INC-2": { devices: [{ machineId: B }], selection: null },
            },
        };
        assert.deepEqual([...declaredDevices(outputs)].sort(), [A, B]);
    });

    it("reads nothing from outputs without incidents or of another shape", () => {
        for (const outputs of [undefined, null, {}, { incidents: null }, { incidents: { "INC-1": { devices: "x" } } }, "text"]) {
            assert.equal(declaredDevices(outputs).size, 0, JSON.stringify(outputs));
        }
    });

    it("puts the devices the stack did not hold first, each group in the plan's order", () => {
        const plan = [{ machineId: A }, { machineId: B }, { computerDnsName: "pc1" }, { machineId: C }];
        assert.deepEqual(newDevicesFirst(plan, new Set([A, C])), [{ machineId: B }, { computerDnsName: "pc1" }, { machineId: A }, { machineId: C }]);
    });

    it("keeps the plan's order when the stack held none of them, or all", () => {
        const plan = [{ machineId: A }, { machineId: B }];
        assert.deepEqual(newDevicesFirst(plan, new Set()), plan);
        assert.deepEqual(newDevicesFirst(plan, new Set([A, B])), plan);
    });
});
