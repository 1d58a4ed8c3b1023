/**
 * The plan of a preview as a reviewer reads it: per incident, each device's name, id and isolation type,
 * and what the update will do to it. The engine's own plan names resources `isolate-<machine id>` only
 * (their names cannot change: a rename would release and isolate again), so the program prints this
 * beside it, as one Markdown table that also reads as plain text in a CI log or a pull request comment.
 * Pure: the plan and what the engine said of each resource in, the text out. Every value from an
 * incident file or from Defender is escaped (displayText.ts).
 */
import type { IncidentDeviceEntry, IncidentPlan, Plan } from "./devicePlan";
import { markdownCell, markdownCode } from "./displayText";
import { utcMinute } from "./expiryNotice";

/**
 * What the preview says of a declared device's resource: a create (`isolate`), an update in place, no
 * change (the state's own values known), or not known.
 */
export type DeviceOutlook =
    | { change: "isolate" }
    | { change: "update" }
    | { change: "unchanged"; status?: string; actionId?: string; computerDnsName?: string }
    | { change: "unknown" };

export interface PreviewPlanInput {
    plan: Plan;
    /** By resource name; a declared device missing here is shown as not known. */
    outlook: ReadonlyMap<string, DeviceOutlook>;
    /** Names of devices declared by id, from Defender (machine id → DNS name). */
    names?: ReadonlyMap<string, string>;
}

const MAX_TITLE = 60;
/** Rows shown: a mass isolation's plan stays readable, and within a pull request comment's size. */
export const PLAN_ROWS = 100;

export function previewPlanMarkdown({ plan, outlook, names }: PreviewPlanInput): string {
    const typeOf = new Map(plan.devices.map((d) => [d.name, d]));
    const rows: string[][] = [];
    const counted = { isolate: 0, update: 0, unchanged: 0, unknown: 0, release: new Set<string>() };
    for (const d of plan.devices) counted[(outlook.get(d.name) ?? { change: "unknown" }).change]++;

    for (const incident of plan.incidents) {
        incident.devices.forEach((d, i) => {
            const declared = typeOf.get(d.name);
            const seen = outlook.get(d.name);
            const name =
                d.computerDnsName ?? (d.machineId ? names?.get(d.machineId) : undefined) ?? (seen?.change === "unchanged" ? seen.computerDnsName : undefined);
            if (!d.declared) counted.release.add(d.name);
            rows.push([
                i === 0 ? incidentCell(incident) : "",
                name ? markdownCell(name) : "(name not known)",
                d.machineId ? markdownCode(d.machineId) : "-",
                typeCell(d, declared?.isolationType),
                whatHappens(incident, d, declared?.incidents ?? [], seen),
            ]);
        });
    }
    const expired = plan.incidents.filter((i) => i.expired).length;
    const summary = [
        `${counted.isolate} to isolate`,
        `${counted.update} to update`,
        `${counted.unchanged} unchanged`,
        ...(counted.unknown > 0 ? [`${counted.unknown} not known`] : []),
        `${counted.release.size} no longer declared`,
    ].join(", ");
    const lines = [
        `### Isolation plan: ${summary} (${plan.incidents.length - expired} open incident${plan.incidents.length - expired === 1 ? "" : "s"}${expired > 0 ? `, ${expired} expired` : ""})`,
        "",
        ...table(["Incident", "Device", "Machine ID", "Type", "What happens"], rows.slice(0, PLAN_ROWS)),
        ...(rows.length > PLAN_ROWS
            ? [`… and ${(rows.length - PLAN_ROWS).toLocaleString("en-US")} more rows (the stack output \`incidents\` lists every device).`]
            : []),
        "",
        "A device whose incident file was removed since the last update is released too: the engine's plan lists it as a delete of `isolate-<machine id>`.",
    ];
    return lines.join("\n");
}

function incidentCell(incident: IncidentPlan): string {
    const title = incident.title.length > MAX_TITLE ? `${incident.title.slice(0, MAX_TITLE - 1)}…` : incident.title;
    const expiry = incident.expired ? ` (expired ${utcMinute(incident.expiresAt as Date)})` : "";
    return `${markdownCell(incident.id)} ${markdownCell(title)}${expiry}`;
}

function typeCell(d: IncidentDeviceEntry, declaredType: string | undefined): string {
    if (declaredType === undefined || declaredType === d.isolationType) return d.isolationType;
    return `${declaredType} (asked here: ${d.isolationType})`;
}

function whatHappens(incident: IncidentPlan, d: IncidentDeviceEntry, listedBy: readonly string[], seen: DeviceOutlook | undefined): string {
    if (!d.declared) return "released, if this stack isolated it; otherwise nothing (no open incident lists it)";
    const others = listedBy.filter((id) => id !== incident.id);
    const also = others.length > 0 ? `; ${incident.expired ? "still listed by" : "also in"} ${others.map((o) => markdownCell(o)).join(", ")}` : "";
    switch (seen?.change) {
        case "isolate":
            return `**isolate**${also}`;
        case "update":
            return `update in place (comment or isolation type: see the engine's plan)${also}`;
        case "unchanged": {
            const how = [
                seen.status ? markdownCell(seen.status) : undefined,
                seen.actionId ? `action ${markdownCode(seen.actionId.slice(0, 8))}` : undefined,
            ].filter(Boolean);
            return `stays isolated${how.length > 0 ? ` (${how.join(", ")})` : ""}${also}`;
        }
        default:
            return `declared (what changes is not known in this preview)${also}`;
    }
}

/** A Markdown table whose columns are padded, so it also lines up as plain text. */
function table(header: string[], rows: string[][]): string[] {
    const widths = header.map((h, i) => Math.max(h.length, 3, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
    return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)];
}
