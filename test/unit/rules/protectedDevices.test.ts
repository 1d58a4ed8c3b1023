import { strict as assert } from "assert";
import { PROTECTED_DEVICES_DEFAULTS, protectedDeviceViolations, type ProtectedDevicesConfig } from "../../../provider/rules/protectedDevices";

const DC_ID = "9066389dad2340a08fb88b9ff77cc15e33cd246f";
const config: ProtectedDevicesConfig = { machineIds: [DC_ID.toUpperCase()], dnsNamePatterns: ["dc-*", "*-hv-*"], protectedTags: ["DoNotIsolate", "Tier0"] };
const tags = ["doNotIsolate", "TIER0"];

describe("policy/protected-devices", () => {
    const table: [what: string, decl: Record<string, unknown>, c: ProtectedDevicesConfig, expected: RegExp[]][] = [
        ["an ordinary laptop, tags passed", { computerDnsName: "fin-lt-043.contoso.com", protectedMachineTags: tags }, config, []],
        [
            "a listed machine id (any case)",
            { machineId: DC_ID, protectedMachineTags: tags },
            config,
            [/^machineId "9066389dad2340a08fb88b9ff77cc15e33cd246f" is a protected device \(machineIds\): it must never be isolated: remove the device/],
        ],
        [
            "a name matching a pattern",
            { computerDnsName: "DC-02.contoso.com", protectedMachineTags: tags },
            config,
            [/^computerDnsName "DC-02.contoso.com" matches the protected pattern "dc-\*" \(dnsNamePatterns\)/],
        ],
        [
            "a hypervisor by its first label",
            { computerDnsName: "esx-hv-1.lab.contoso.com", protectedMachineTags: tags },
            config,
            [/matches the protected pattern "\*-hv-\*"/],
        ],
        [
            "one protected tag dropped",
            { computerDnsName: "fin-lt-043.contoso.com", protectedMachineTags: ["DoNotIsolate"] },
            config,
            [/^protectedMachineTags of computerDnsName "fin-lt-043.contoso.com" lacks "Tier0": .*pulumi config set --path 'protectedTags\[0\]' Tier0\)$/],
        ],
        [
            "no tags at all, and a protected name: both reported",
            { computerDnsName: "dc-01.contoso.com" },
            config,
            [/protected pattern "dc-\*"/, /lacks "DoNotIsolate", "Tier0"/],
        ],
        [
            "tags not a list",
            { machineId: "a1beb9c642989d916897d4ce0a770c37adc96b20", protectedMachineTags: "DoNotIsolate" },
            config,
            [/^protectedMachineTags of machineId "a1beb9c6/],
        ],
        [
            "the defaults: only DoNotIsolate is required",
            { computerDnsName: "dc-01.contoso.com", protectedMachineTags: ["DoNotIsolate"] },
            PROTECTED_DEVICES_DEFAULTS,
            [],
        ],
        ["the defaults, tag dropped", { computerDnsName: "dc-01.contoso.com", protectedMachineTags: [] }, PROTECTED_DEVICES_DEFAULTS, [/lacks "DoNotIsolate"/]],
        ["no tag required", { computerDnsName: "fin-lt-043.contoso.com" }, { ...config, protectedTags: [] }, []],
    ];
    for (const [what, decl, c, expected] of table) {
        it(what, () => {
            const got = protectedDeviceViolations(decl, c);
            assert.equal(got.length, expected.length, got.join("\n"));
            expected.forEach((re, i) => assert.match(got[i], re));
        });
    }
});
