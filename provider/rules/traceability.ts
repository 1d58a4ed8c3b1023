/**
 * Traceability: every isolation's comment names the incident behind it, so whoever reads the device's
 * timeline in the Defender portal finds the ticket. The GitOps program starts each comment with the
 * incident id; this checks the id is one the organization's tracker knows the form of.
 */
import { deviceLabel, quote, text, type IsolationDeclaration } from "./declaration";
import { schemaWithDefaults, type ResourceGuardrail } from "./definition";

export interface TraceabilityConfig {
    /** A JavaScript regular expression the comment must contain a match of. @default "INC-\\d+" */
    incidentPattern: string;
}

export const TRACEABILITY_DEFAULTS: TraceabilityConfig = { incidentPattern: "INC-\\d+" };

export function traceabilityViolations(d: IsolationDeclaration, config: TraceabilityConfig): string[] {
    let pattern: RegExp;
    try {
        pattern = new RegExp(config.incidentPattern);
    } catch (e) {
        // A broken config fails closed: nothing is isolated until the pack's owner fixes it.
        return [
            `the policy pack's config is invalid: incidentPattern ${quote(String(config.incidentPattern))} is not a regular expression (${e instanceof Error ? e.message : String(e)}): fix incidentPattern of incident-traceability`,
        ];
    }
    const comment = text(d.comment);
    if (comment && pattern.test(comment)) return [];
    return [
        `comment of ${deviceLabel(d)} names no incident matching /${pattern.source}/${comment ? ` (it is ${quote(comment)})` : ""}: name the incident in the comment (incident files: the incident id, e.g. INC-2031)`,
    ];
}

export const incidentTraceability: ResourceGuardrail<TraceabilityConfig> = {
    kind: "resource",
    name: "incident-traceability",
    description: "Every isolation's comment names an incident.",
    enforcementLevel: "mandatory",
    defaults: TRACEABILITY_DEFAULTS,
    configSchema: schemaWithDefaults(TRACEABILITY_DEFAULTS, {
        incidentPattern: {
            type: "string",
            minLength: 1,
            description: "JavaScript regular expression; the comment must contain a match (e.g. INC-\\d+, or SEC-\\d{4,}).",
        },
    }),
    check: traceabilityViolations,
};
