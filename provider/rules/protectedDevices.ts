/**
 * Protected devices: machines that must never be isolated (domain controllers, hypervisors, the SOC's
 * own jump hosts), named by machine id or DNS-name pattern, and the machine tags every declaration
 * must hand to the provider, which refuses a device carrying one of them at create (where the
 * device's real tags are known: the backstop for a device declared by id whose name nobody checked).
 */
import { deviceLabel, quote, text, textList, type IsolationDeclaration } from "./declaration";
import { schemaWithDefaults, type ResourceGuardrail } from "./definition";
import { matchingPattern, sameMachineId } from "./names";

export interface ProtectedDevicesConfig {
    /** Defender machine ids (40 hex characters) never to isolate. @default [] */
    machineIds: string[];
    /** DNS-name patterns (`*`, `?`; case-insensitive; full name or first label) never to isolate. @default [] */
    dnsNamePatterns: string[];
    /** Tags every declaration must pass as protectedMachineTags (case-insensitive). @default ["DoNotIsolate"] */
    protectedTags: string[];
}

export const PROTECTED_DEVICES_DEFAULTS: ProtectedDevicesConfig = { machineIds: [], dnsNamePatterns: [], protectedTags: ["DoNotIsolate"] };

const REMOVE = "remove the device from the declaration (its incident file); only the owner of the policy pack's config can unprotect it";

export function protectedDeviceViolations(d: IsolationDeclaration, config: ProtectedDevicesConfig): string[] {
    const out: string[] = [];
    const id = text(d.machineId);
    if (id) {
        const listed = config.machineIds.find((m) => sameMachineId(m, id));
        if (listed) out.push(`machineId ${quote(id)} is a protected device (machineIds): it must never be isolated: ${REMOVE}`);
    }
    const name = text(d.computerDnsName);
    if (name) {
        const pattern = matchingPattern(name, config.dnsNamePatterns);
        if (pattern)
            out.push(`computerDnsName ${quote(name)} matches the protected pattern ${quote(pattern)} (dnsNamePatterns): it must never be isolated: ${REMOVE}`);
    }
    const passed = new Set(textList(d.protectedMachineTags).map((t) => t.toLowerCase()));
    const missing = textList(config.protectedTags).filter((t) => !passed.has(t.toLowerCase()));
    if (missing.length > 0) {
        out.push(
            `protectedMachineTags of ${deviceLabel(d)} lacks ${missing.map(quote).join(", ")}: without it the provider would isolate a device carrying that tag: ` +
                `pass it in protectedMachineTags (the GitOps program passes its protectedTags setting: restore it in the stack config, e.g. pulumi config set --path 'protectedTags[0]' ${missing[0]})`,
        );
    }
    return out;
}

export const protectedDevices: ResourceGuardrail<ProtectedDevicesConfig> = {
    kind: "resource",
    name: "protected-devices",
    description: "Devices that must never be isolated (by machine id or DNS-name pattern), and the machine tags every isolation must refuse.",
    enforcementLevel: "mandatory",
    defaults: PROTECTED_DEVICES_DEFAULTS,
    configSchema: schemaWithDefaults(PROTECTED_DEVICES_DEFAULTS, {
        machineIds: { type: "array", items: { type: "string", pattern: "^[0-9a-fA-F]{40}$" }, description: "Defender machine ids never to isolate." },
        dnsNamePatterns: {
            type: "array",
            items: { type: "string", minLength: 1 },
            description:
                "DNS-name patterns never to isolate: * is any run of characters, ? one character; case-insensitive; matched against the full name and its first label.",
        },
        protectedTags: {
            type: "array",
            items: { type: "string", minLength: 1 },
            description:
                "Defender machine tags every DeviceIsolation must pass as protectedMachineTags, so the provider refuses a device carrying one at create.",
        },
    }),
    check: protectedDeviceViolations,
};
