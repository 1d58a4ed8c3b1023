/**
 * The text Defender records with each isolation and release. It names every incident behind the
 * action, so whoever reads the device's timeline in the portal finds the incident, and stays within
 * MAX_COMMENT_LENGTH: past it, whole incidents are dropped from the end and counted ("… and 2 more").
 */
import { MAX_COMMENT_LENGTH } from "../defender/callInputs";

/** Joins `parts` with `separator`; what does not fit in `max` is dropped from the end and counted. */
export function boundedList(parts: readonly string[], max: number = MAX_COMMENT_LENGTH, separator = "; "): string {
    const all = parts.join(separator);
    if (all.length <= max) return all;
    for (let kept = parts.length - 1; kept >= 1; kept--) {
        const text = `${parts.slice(0, kept).join(separator)}${separator}… and ${parts.length - kept} more`;
        if (text.length <= max) return text;
    }
    // Not even the first part fits whole: cut it.
    const suffix = parts.length > 1 ? `… and ${parts.length - 1} more` : "…";
    return `${parts[0].slice(0, Math.max(0, max - suffix.length)).trimEnd()}${suffix}`.slice(0, max);
}

/** Sorts incident ids the way people read them: INC-99 before INC-100. */
export function compareIncidentIds(a: string, b: string): number {
    return a.localeCompare(b, "en", { numeric: true, sensitivity: "base" });
}

/** `INC-2031 Cobalt Strike beacon on finance laptops: keeps Teams for the user's manager call` */
export function incidentNote(incident: { id: string; title: string }, deviceComment?: string): string {
    return `${incident.id} ${incident.title}${deviceComment ? `: ${deviceComment}` : ""}`;
}

/** The isolation comment: one note per incident, in the order given. */
export function isolationComment(notes: readonly string[], max: number = MAX_COMMENT_LENGTH): string {
    return boundedList(notes, max);
}

/** `Released by Pulumi: incident INC-2031 closed`, or `incidents INC-2031, INC-2044 closed`. */
export function releaseComment(incidentIds: readonly string[], max: number = MAX_COMMENT_LENGTH): string {
    const head = `Released by Pulumi: incident${incidentIds.length === 1 ? "" : "s"} `;
    const tail = " closed";
    return `${head}${boundedList(incidentIds, max - head.length - tail.length, ", ")}${tail}`;
}
