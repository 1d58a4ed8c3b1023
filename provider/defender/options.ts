/**
 * The client's options as documented data, and their validation: every problem at once, each naming
 * the field and the fix, with no network call, so configuration can be checked before anything runs.
 */
import { wholeNumberProblem, type WholeRange } from "../base/ranges";
import { credentialProblems, type CredentialOptions } from "./auth";
import { endpointProblems, type EndpointOptions } from "./clouds";
import { rateLimitProblems, type RateLimit } from "./pacing";
import { retryOptionProblems, type RetryOptions } from "./retry";
import type { DefenderClientEvent } from "./transport";

export interface DefenderClientOptions extends EndpointOptions, CredentialOptions {
    /**
     * Sliding-window limits per API, shared by every client of the process with the same API host,
     * tenant and client id. @default [{calls:100, perSeconds:60}, {calls:1500, perSeconds:3600}]
     */
    rateLimits?: RateLimit[];
    /** When requests are sent again; see RetryOptions for each field's default. @default {} */
    retry?: Partial<RetryOptions>;
    /** Time allowed for one HTTP request, in ms. @default 30000 */
    timeoutMs?: number;
    /** Items asked for per listing request ($top; Defender allows up to 10,000). @default 10000 */
    pageSize?: number;
    /** Listing requests one listing may make before it fails (bounds every listing). @default 20 */
    maxPages?: number;
    /** Progress: pacing waits and retries, for log lines. @default undefined */
    onEvent?: (event: DefenderClientEvent) => void;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_PAGE_SIZE = 10_000;
export const DEFAULT_MAX_PAGES = 20;

const KNOWN_KEYS: ReadonlySet<string> = new Set([
    "cloud",
    "apiBaseUrl",
    "authorityHost",
    "scope",
    "xdrScope",
    "authMethod",
    "tenantId",
    "clientId",
    "clientSecret",
    "credential",
    "rateLimits",
    "retry",
    "timeoutMs",
    "pageSize",
    "maxPages",
    "onEvent",
]);

/** Every problem with the options, each starting with the field's name; empty when usable. */
export function validateClientOptions(options: unknown): string[] {
    if (typeof options !== "object" || options === null || Array.isArray(options)) {
        return ['options must be an object such as {"tenantId": "…", "clientId": "…", "clientSecret": "…"}'];
    }
    const o = options as Record<string, unknown>;
    const problems: string[] = [];
    for (const key of Object.keys(o)) {
        if (!KNOWN_KEYS.has(key)) problems.push(`${key} is not a Defender client option; known: ${[...KNOWN_KEYS].join(", ")}`);
    }
    problems.push(...endpointProblems(o));
    problems.push(...credentialProblems(o));
    if (o.rateLimits !== undefined) problems.push(...rateLimitProblems(o.rateLimits));
    problems.push(...retryOptionProblems(o.retry));
    const ranges: Array<[string, WholeRange]> = [
        ["timeoutMs", { min: 1, max: 600_000, unit: "milliseconds" }],
        ["pageSize", { min: 1, max: 10_000, unit: "items" }],
        ["maxPages", { min: 1, max: 1000, unit: "pages" }],
    ];
    for (const [field, range] of ranges) {
        const problem = o[field] === undefined ? undefined : wholeNumberProblem(o[field], field, range);
        if (problem !== undefined) problems.push(problem);
    }
    if (o.onEvent !== undefined && typeof o.onEvent !== "function") problems.push("onEvent must be a function (event) => void");
    return problems;
}

/**
 * A problem from validateClientOptions in the words of the caller's user, whose settings have other
 * names (a flag, an environment variable, a config key): the field a problem starts with, and any
 * other option name written as a whole word in it (`tenantId, clientId and clientSecret go together`),
 * are replaced by `names[field]`. Plain-word fields (`cloud`, `scope`) are renamed only where they
 * lead, since the same words also appear as ordinary words in the messages.
 */
export function renameOptionFields(problem: string, names: Readonly<Record<string, string>>): string {
    const lead = /^([A-Za-z]+)(?=[\s:.])/.exec(problem)?.[1];
    let out = lead !== undefined && names[lead] !== undefined ? `${names[lead]}${problem.slice(lead.length)}` : problem;
    const start = out.length - problem.length + (lead?.length ?? 0);
    const camel = Object.keys(names).filter((k) => /[a-z][A-Z]/.test(k));
    if (camel.length > 0) {
        const pattern = new RegExp(`\\b(${camel.join("|")})\\b`, "g");
        out = out.slice(0, start) + out.slice(start).replace(pattern, (k) => names[k] ?? k);
    }
    return out;
}
