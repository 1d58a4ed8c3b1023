/**
 * Release only with a reason: the comment Defender records when the device is released says why.
 * Checked while the device is declared, because the release happens when the declaration is gone and
 * its comment comes from the state: a declaration that passes this check releases with a reason.
 */
import { deviceLabel, PROVIDER_DEFAULT_RELEASE_COMMENT, quote, text, type IsolationDeclaration } from "./declaration";
import { schemaWithDefaults, type ResourceGuardrail } from "./definition";

export interface ReleaseReasonConfig {
    /** Fewest characters of a release comment. @default 1 */
    minLength: number;
}

export const RELEASE_REASON_DEFAULTS: ReleaseReasonConfig = { minLength: 1 };

export function releaseReasonViolations(d: IsolationDeclaration, config: ReleaseReasonConfig): string[] {
    const comment = text(d.releaseComment);
    const fix = 'set releaseComment to why the device will be released, e.g. "INC-2031 closed: reimaged" (the GitOps program names the incidents)';
    if (!comment || comment === PROVIDER_DEFAULT_RELEASE_COMMENT) {
        return [
            `releaseComment of ${deviceLabel(d)} is not set${comment ? ` (${quote(comment)} is the provider's default, which gives no reason)` : ""}: ${fix}`,
        ];
    }
    if (comment.length < config.minLength) {
        return [`releaseComment of ${deviceLabel(d)} is ${comment.length} characters (${quote(comment)}), fewer than minLength (${config.minLength}): ${fix}`];
    }
    return [];
}

export const releaseReason: ResourceGuardrail<ReleaseReasonConfig> = {
    kind: "resource",
    name: "release-reason",
    description: "Every isolation says why its device will be released (releaseComment).",
    enforcementLevel: "mandatory",
    defaults: RELEASE_REASON_DEFAULTS,
    configSchema: schemaWithDefaults(RELEASE_REASON_DEFAULTS, {
        minLength: { type: "integer", minimum: 1, maximum: 1000, description: "Fewest characters of a release comment." },
    }),
    check: releaseReasonViolations,
};
