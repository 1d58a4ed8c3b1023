/**
 * The incident file that moves the isolations in place into Git. Pure: rows in, YAML text out.
 *
 * It declares every device isolated or being isolated, by machineId (never by name: names can match
 * several records), with the type in force and a comment saying who isolated it and when. `pulumi up`
 * on it adopts each isolation, so no isolate is sent: create adopts a current isolation of the same
 * type and a pending isolate. The text is parsed back with the GitOps program's own parser before it
 * is returned, so what is written is what the program accepts.
 *
 * Left out, and said why: devices being released (declaring them would isolate them again once the
 * release finishes) and devices Defender no longer knows (their create would fail).
 */
import { quote } from "../base/text";
import { INCIDENT_ID_PATTERN, MAX_DEVICE_COMMENT_LENGTH, MAX_TITLE_LENGTH } from "../incidents/incidentFile";
import { ISOLATION_TYPES } from "../resource/inputs";
import { incidentFileText, oneLine, type WrittenDevice } from "./incidentWriter";
import type { DeviceIsolationStatus } from "./deviceStatus";
import { shortTime } from "./timestamps";

export interface IncidentExportOptions {
    /** e.g. `INC-3000`: letters, digits, `-_.#`, starting with a letter or digit. */
    incident: string;
    /** One line. @default "Isolations in place in Defender on <date>, adopted into Git" */
    title?: string;
    /** When the file is written, for the header and the default title. */
    now: Date;
}

export interface IncidentExport {
    /** The incident file; undefined when no device is isolated or being isolated. */
    text?: string;
    /** Devices declared. */
    devices: DeviceIsolationStatus[];
    /** Devices left out, each with the reason: one line each. */
    skipped: string[];
}

/** Problems with the options, each naming the flag and the fix; empty when usable. */
export function exportOptionProblems(o: { incident?: string; title?: string }): string[] {
    const problems: string[] = [];
    if (o.incident === undefined || o.incident.trim() === "")
        problems.push("--incident is required: the id of the incident the isolations are adopted into, e.g. --incident INC-3000");
    else if (!INCIDENT_ID_PATTERN.test(o.incident))
        problems.push(
            `--incident must be letters, digits, '-', '_', '.' or '#', starting with a letter or digit (at most 64), e.g. INC-3000; got ${quote(o.incident)}`,
        );
    if (o.title !== undefined) {
        if (o.title.trim() === "") problems.push("--title is empty: give a one-line title, or leave it out for the default");
        // eslint-disable-next-line no-control-regex
        else if (/[\u0000-\u001f\u007f]/.test(o.title)) problems.push("--title must be one line, without control characters");
        else if (o.title.trim().length > MAX_TITLE_LENGTH)
            problems.push(`--title is ${o.title.trim().length} characters long: shorten it to at most ${MAX_TITLE_LENGTH}`);
    }
    return problems;
}

export function exportIncident(rows: readonly DeviceIsolationStatus[], options: IncidentExportOptions): IncidentExport {
    const problems = exportOptionProblems(options);
    if (problems.length > 0) throw new Error(problems.join("; "));
    const devices: DeviceIsolationStatus[] = [];
    const skipped: string[] = [];
    for (const r of rows) {
        if (r.state === "releasing") skipped.push(`${label(r)}: a release (${r.actionId}) is on its way; declaring it would isolate it again`);
        else if (r.state !== "isolated" && r.state !== "isolating") continue;
        else if (r.device?.found === false)
            skipped.push(
                `${label(r)}: Defender no longer knows this device (offboarded or deleted); its ${r.state === "isolated" ? "isolation" : "isolate"} ${r.actionId} cannot be adopted`,
            );
        else devices.push(r);
    }
    if (devices.length === 0) return { devices, skipped };

    const day = options.now.toISOString().slice(0, 10);
    const title = options.title?.trim() ?? `Isolations in place in Defender on ${day}, adopted into Git`;
    const written: WrittenDevice[] = devices.map((r) => {
        const type = (ISOLATION_TYPES as readonly string[]).includes(r.isolationType ?? "") ? (r.isolationType as string) : undefined;
        const notes = [
            `${oneLine(r.computerDnsName ?? "name unknown")}: ${r.state === "isolated" ? "isolation" : "pending isolate"} ${r.actionId}${r.requestSource ? ` (${oneLine(r.requestSource)})` : ""}`,
        ];
        if (type === undefined) {
            notes.push("Defender reports no isolation type while an isolate is pending: Full is assumed. If it turns out");
            notes.push("otherwise, 'pulumi up' stops on this device, changes nothing, and names the type to write here.");
        }
        return { notes, machineId: r.machineId, isolationType: type ?? "Full", comment: deviceComment(r) };
    });
    const { text } = incidentFileText({
        header: [
            `Written by defender-isolation export at ${options.now.toISOString()}: every device isolated or being`,
            "isolated in Defender then. 'pulumi up' adopts these isolations (no isolate is sent); deleting this",
            "file, or a device from it, releases them.",
        ],
        incident: options.incident,
        title,
        devices: written,
    });
    return { text, devices, skipped };
}

/** `isolated by portal-user@contoso.com at 2026-11-20 10:04 UTC (Portal)`, within the incident file's bound. */
export function deviceComment(r: Pick<DeviceIsolationStatus, "state" | "requestor" | "since" | "requestSource">): string {
    const verb = r.state === "isolated" ? "isolated" : "isolation requested";
    const when = r.since ? ` at ${shortTime(r.since)}` : "";
    const where = r.requestSource ? ` (${oneLine(r.requestSource)})` : "";
    const text = `${verb} by ${oneLine(r.requestor ?? "unknown")}${when}${where}; adopted from Defender`;
    return text.length <= MAX_DEVICE_COMMENT_LENGTH ? text : `${text.slice(0, MAX_DEVICE_COMMENT_LENGTH - 1)}…`;
}

function label(r: DeviceIsolationStatus): string {
    return `${r.computerDnsName ?? "?"} (${r.machineId})`;
}
