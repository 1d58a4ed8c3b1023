/**
 * What an expired incident means, said in every preview and update: an incident whose expiresAt has
 * passed declares nothing, so its devices are released (or never isolated) unless another open
 * incident lists them. Without this, an incident added already expired would do nothing, silently.
 * Pure: the plan in, one warning per expired incident out.
 */
import type { Plan } from "./devicePlan";
import { plainText } from "./displayText";

/** `web-lnx-03.contoso.com (9f2c4a1b…)`, or what is known of the device. */
export function deviceLabel(d: { machineId?: string; computerDnsName?: string }, names?: ReadonlyMap<string, string>): string {
    const name = d.computerDnsName ?? (d.machineId ? names?.get(d.machineId) : undefined);
    const id = d.machineId ? `${d.machineId.slice(0, 8)}…` : undefined;
    return plainText(name && id ? `${name} (${id})` : (name ?? d.machineId ?? "?"));
}

/** `2026-01-15 18:00 UTC` */
export function utcMinute(t: Date): string {
    return `${t.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** One warning per expired incident: its devices and what happens to each. `names` adds names of devices declared by id. */
export function expiryWarnings(plan: Plan, names?: ReadonlyMap<string, string>): string[] {
    const byResource = new Map(plan.devices.map((d) => [d.name, d]));
    return plan.incidents
        .filter((i) => i.expired)
        .map((incident) => {
            const released = incident.devices.filter((d) => !d.declared).map((d) => deviceLabel(d, names));
            const kept = incident.devices
                .filter((d) => d.declared)
                .map(
                    (d) =>
                        `${deviceLabel(d, names)} stays isolated: ${(byResource.get(d.name)?.incidents ?? []).join(", ")} list${(byResource.get(d.name)?.incidents.length ?? 0) === 1 ? "s" : ""} it too`,
                );
            const parts = [
                `${incident.id} (${plainText(incident.file)}) expired at ${utcMinute(incident.expiresAt as Date)} and declares no device.`,
                ...(released.length > 0
                    ? [
                          `${released.join(", ")}: ${released.length === 1 ? "it is" : "they are"} released by 'pulumi up' if this stack isolated ${released.length === 1 ? "it" : "them"}, and not isolated otherwise.`,
                      ]
                    : []),
                ...(kept.length > 0 ? [`${kept.join("; ")}.`] : []),
                "To keep its devices isolated, move expiresAt into the future; to close the incident, delete its file.",
            ];
            return parts.join(" ");
        });
}
