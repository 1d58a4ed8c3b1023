/**
 * The one error type of the Defender layer: an Error subclass whose fields are data. (No code of this
 * package is serialized into Pulumi state any more, where classes were rewritten: the provider text is
 * a loader that requires the package.) Nothing secret is ever stored on it: no request config, no
 * headers, no `cause`. `isDefenderApiError` recognizes it by its fields too, so an error from another
 * copy of the package counts.
 */
import { oneLine } from "../base/text";
import { redact } from "./redaction";
import type { SignInFailure } from "./signIn";

/**
 * - `http`: the API answered with an error status.
 * - `rateLimited`: 429s outlasted the retry options (see `retryAfterSeconds`).
 * - `network` / `timeout`: no answer; for a POST `outcomeUnknown` is true.
 * - `deadline`: the caller's signal aborted the call while it waited (`reason` says for what); for a POST
 *   `outcomeUnknown` is true only when it was on the wire.
 * - `token`: no token could be obtained.
 * - `invalidInput`: refused before anything was sent (bad machine id, bad filter...).
 * - `invalidResponse`: the API answered 2xx with a body that is not what it documents.
 * - `invalidOptions`: the client options are unusable (see `problems`).
 */
export type DefenderApiErrorKind =
    "http" | "rateLimited" | "network" | "timeout" | "deadline" | "token" | "invalidInput" | "invalidResponse" | "invalidOptions";

export interface DefenderApiErrorFields {
    kind: DefenderApiErrorKind;
    /** HTTP method, "TOKEN" for token requests, "" when no request was formed. */
    method: string;
    /** Request path with its query (never a secret); the scope for token requests. */
    path: string;
    status?: number;
    /** Defender's error code, e.g. ActiveRequestAlreadyExists: match on this, never on the message. */
    code?: string;
    /** Defender's free-text message. */
    defenderMessage?: string;
    /** The error body's `target`, or a request-id header: quote it to Microsoft support. */
    correlationId?: string;
    /** True when a POST may or may not have been performed: list the device's actions before sending again. */
    outcomeUnknown: boolean;
    /** The wait the API asked for on a 429. */
    retryAfterSeconds?: number;
    /** Network error code or "timeout after N ms" when there was no answer; for `deadline`, what the call was waiting for. */
    reason?: string;
    /** What went wrong beyond the status, and what to do. */
    detail?: string;
    /** For `invalidOptions`: every problem, each naming the field and the fix. */
    problems?: string[];
    /**
     * For `token` with a client secret: the sign-in step that failed (discovery or the token request),
     * the URL tried, the cause and its code (ECONNREFUSED, SELF_SIGNED_CERT_IN_CHAIN, AADSTS90002), the
     * one fix, and the settings it points at.
     */
    signIn?: SignInFailure;
}

/** A text field's bound: 2,000 characters and the "…" marking a cut. */
const MAX_TEXT_CHARS = 2001;
const TEXT_FIELDS = ["defenderMessage", "correlationId", "reason", "detail", "code"] as const;

export class DefenderApiError extends Error {
    declare readonly name: "DefenderApiError";
    declare readonly kind: DefenderApiErrorKind;
    declare readonly method: string;
    declare readonly path: string;
    declare readonly status?: number;
    declare readonly code?: string;
    declare readonly defenderMessage?: string;
    declare readonly correlationId?: string;
    declare readonly outcomeUnknown: boolean;
    declare readonly retryAfterSeconds?: number;
    declare readonly reason?: string;
    declare readonly detail?: string;
    declare readonly problems?: string[];
    declare readonly signIn?: SignInFailure;

    /** String fields are scrubbed of anything token-shaped and kept to one line; undefined fields are left out. */
    constructor(fields: DefenderApiErrorFields) {
        const clean = scrubbed(fields);
        super(formatDefenderApiErrorMessage(clean));
        Object.assign(this, { name: "DefenderApiError" }, Object.fromEntries(Object.entries(clean).filter(([, v]) => v !== undefined)));
    }
}

/** Builds the error (the factory the layer uses). */
export function defenderApiError(fields: DefenderApiErrorFields): DefenderApiError {
    return new DefenderApiError(fields);
}

function scrubbed(fields: DefenderApiErrorFields): DefenderApiErrorFields {
    const clean: DefenderApiErrorFields = { ...fields };
    for (const key of TEXT_FIELDS) {
        const v = clean[key];
        if (typeof v === "string") clean[key] = oneLine(redact(v), MAX_TEXT_CHARS);
    }
    if (clean.problems) clean.problems = clean.problems.map((p) => redact(p));
    if (clean.signIn?.serviceMessage !== undefined) {
        clean.signIn = { ...clean.signIn, serviceMessage: oneLine(redact(clean.signIn.serviceMessage), MAX_TEXT_CHARS) };
    }
    return clean;
}

export function isDefenderApiError(e: unknown): e is DefenderApiError {
    if (typeof e !== "object" || e === null) return false;
    const r = e as Record<string, unknown>;
    return r.name === "DefenderApiError" && typeof r.kind === "string" && typeof r.method === "string" && typeof r.outcomeUnknown === "boolean";
}

/**
 * The one message format, e.g.
 * `Defender API POST /api/machines/1e5b…/isolate failed: 400 ActiveRequestAlreadyExists — Action is already in progress (correlation id 43f4…)`
 */
export function formatDefenderApiErrorMessage(f: DefenderApiErrorFields): string {
    const request = `Defender API ${[f.method, f.path].filter((s) => s !== "").join(" ")}`.trimEnd();
    const unknown = f.outcomeUnknown ? "; the outcome is unknown" : "";
    const detail = f.detail ? `; ${f.detail}` : "";
    switch (f.kind) {
        case "invalidOptions":
            return `Defender client options are invalid: ${(f.problems ?? [f.detail ?? "unknown problem"]).join("; ")}`;
        case "invalidInput":
            return `${request} refused before sending: ${f.detail ?? "invalid input"}`;
        case "token":
            return `Defender API token request for ${f.path} failed: ${f.detail ?? "no token"}`;
        case "deadline":
            return `${request} stopped at the deadline while ${f.reason ?? "waiting"}${detail}${unknown}`;
        case "network":
        case "timeout":
            return `${request} failed: no response (${f.reason ?? f.kind})${detail}${unknown}`;
        default: {
            const status = [f.status === undefined ? "" : String(f.status), f.code ?? ""].filter((s) => s !== "").join(" ");
            const message = f.defenderMessage ? ` — ${f.defenderMessage}` : "";
            const correlation = f.correlationId ? ` (correlation id ${f.correlationId})` : "";
            return `${request} failed: ${status || "error"}${message}${correlation}${detail}${unknown}`;
        }
    }
}

/**
 * The caller's signal aborted while a call waited for something other than an answer on the wire
 * (`reason`: "waiting for …"); so nothing it sent can have been performed since.
 */
export function deadlineError(request: { method: string; path: string }, reason: string, detail?: string): DefenderApiError {
    return defenderApiError({ kind: "deadline", method: request.method, path: request.path, outcomeUnknown: false, reason, detail });
}

/** An input refused before any request; `detail` names the field and the fix. */
export function invalidInputError(detail: string, request: { method?: string; path?: string } = {}): DefenderApiError {
    return defenderApiError({ kind: "invalidInput", method: request.method ?? "", path: request.path ?? "", outcomeUnknown: false, detail });
}
