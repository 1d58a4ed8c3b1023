/**
 * Writes an incident file: a header of YAML comments, the incident's keys, and its devices by id, each
 * with comment lines above it (its name, where it came from), or its selectors. Text from Defender
 * (names, titles, requestors) is data: flattened to one line in comments, quoted as a JSON string
 * (valid YAML) in values. The result is parsed back with the GitOps program's own parser before it is
 * returned, so what is written is what the program accepts.
 */
import { oneLine as flatten } from "../base/text";
import { parseIncidentFile, type Incident } from "../incidents/incidentFile";
import { formatProblem } from "../incidents/problems";

export interface WrittenDevice {
    /** YAML comment lines above the entry (without `#`). */
    notes: string[];
    machineId: string;
    isolationType: string;
    comment?: string;
}

export interface WrittenIncident {
    /** YAML comment lines at the top (without `#`). */
    header: string[];
    incident: string;
    title: string;
    devices?: WrittenDevice[];
    /** Selector entries, each as `key: value` pairs written in order. */
    select?: Array<Array<[string, string]>>;
    /** ISO-8601 with a timezone. */
    expiresAt?: string;
}

/** Text from Defender made safe for one line of a YAML comment or a quoted value. */
export function oneLine(text: string, max = 200): string {
    return flatten(text, max);
}

const comment = (text: string) => (text === "" ? "#" : `# ${oneLine(text, 300)}`);

/** The file's text; throws when the program's parser would refuse it (a bug here, never the caller's input). */
export function incidentFileText(w: WrittenIncident): { text: string; incident: Incident } {
    const lines = [...w.header.map(comment), `incident: ${w.incident}`, `title: ${JSON.stringify(oneLine(w.title))}`];
    if (w.devices && w.devices.length > 0) {
        lines.push("isolate:");
        for (const d of w.devices) {
            lines.push(...d.notes.map((n) => `  ${comment(n)}`));
            lines.push(`  - machineId: ${d.machineId}`);
            lines.push(`    isolationType: ${d.isolationType}`);
            if (d.comment !== undefined) lines.push(`    comment: ${JSON.stringify(oneLine(d.comment, 300))}`);
        }
    }
    if (w.select && w.select.length > 0) {
        lines.push("select:");
        for (const entry of w.select) entry.forEach(([k, v], i) => lines.push(`${i === 0 ? "  - " : "    "}${k}: ${JSON.stringify(oneLine(v, 300))}`));
    }
    if (w.expiresAt !== undefined) lines.push(`expiresAt: ${w.expiresAt}`);
    const text = `${lines.join("\n")}\n`;
    const check = parseIncidentFile(text, `${w.incident}.yaml`);
    if (check.problems.length > 0 || !check.incident) {
        throw new Error(`the written incident file does not pass the incident parser (a bug): ${check.problems.map(formatProblem).join("; ")}`);
    }
    return { text, incident: check.incident };
}
