/**
 * Isolation type by device class: Full isolation cuts everything but Defender's own channel, which a
 * laptop survives and a server's users do not. Full is for names matching a workstation pattern;
 * anything else gets Selective unless listed (a Linux server supports only Full, so it is listed).
 * Device class is read from names, which is a convention: hence advisory by default.
 */
import { deviceLabel, quote, text, type IsolationDeclaration } from "./declaration";
import { schemaWithDefaults, type ResourceGuardrail } from "./definition";
import { matchingPattern, sameMachineId } from "./names";

export interface IsolationTypeConfig {
    /** DNS-name patterns of workstations, where Full is fine. @default ["*-lt-*", "*-ws-*", "*-mac-*", "*-pc-*"] */
    fullIsolationNamePatterns: string[];
    /** Machine ids or DNS-name patterns also allowed Full (servers that support nothing else). @default [] */
    fullIsolationAllowed: string[];
}

export const ISOLATION_TYPE_DEFAULTS: IsolationTypeConfig = { fullIsolationNamePatterns: ["*-lt-*", "*-ws-*", "*-mac-*", "*-pc-*"], fullIsolationAllowed: [] };

export function isolationTypeViolations(d: IsolationDeclaration, config: IsolationTypeConfig): string[] {
    // The provider's default is Full: a declaration that sets nothing asks for it.
    const type = text(d.isolationType) ?? "Full";
    if (type !== "Full") return [];
    const id = text(d.machineId);
    const name = text(d.computerDnsName);
    if (id && config.fullIsolationAllowed.some((a) => sameMachineId(a, id))) return [];
    if (name && (matchingPattern(name, config.fullIsolationNamePatterns) || matchingPattern(name, config.fullIsolationAllowed))) return [];
    const list = config.fullIsolationNamePatterns.map(quote).join(", ") || "none";
    const fix =
        "use isolationType Selective, or list the device in fullIsolationAllowed of isolation-type-by-device-class (devices that support only Full, such as Linux servers)";
    if (!name) {
        return [
            `isolationType Full for ${deviceLabel(d)}, declared by id only: its name, and so its class, is unknown before create: declare it by computerDnsName, or ${fix}`,
        ];
    }
    return [`isolationType Full is for workstations (names matching ${list}); ${quote(name)} is not one: ${fix}`];
}

export const isolationTypeByDeviceClass: ResourceGuardrail<IsolationTypeConfig> = {
    kind: "resource",
    name: "isolation-type-by-device-class",
    description: "Full isolation only for workstations (by name); other devices Selective unless listed.",
    enforcementLevel: "advisory",
    defaults: ISOLATION_TYPE_DEFAULTS,
    configSchema: schemaWithDefaults(ISOLATION_TYPE_DEFAULTS, {
        fullIsolationNamePatterns: {
            type: "array",
            items: { type: "string", minLength: 1 },
            description: "DNS-name patterns of workstations, where Full isolation is allowed (* and ?, case-insensitive).",
        },
        fullIsolationAllowed: {
            type: "array",
            items: { type: "string", minLength: 1 },
            description: "Machine ids or DNS-name patterns also allowed Full isolation (e.g. Linux servers, which support only Full).",
        },
    }),
    check: isolationTypeViolations,
};
