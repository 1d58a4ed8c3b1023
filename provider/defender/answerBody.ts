/**
 * Reading an answer's body: a success's JSON, or an error's `{"error": {"code", "message", "target"}}`
 * with its correlation id. Every text taken from an answer goes through the token source's redaction.
 */
import type { ErrorBodyFields } from "./decision";

export interface AnswerText {
    status: number;
    headers: Record<string, string>;
    text: string;
}

export interface ParsedBody {
    status: number;
    /** Parsed JSON, or undefined with `bodyProblem` saying why. */
    body: unknown;
    bodyProblem?: string;
}

const CORRELATION_HEADERS = ["request-id", "x-ms-request-id", "x-ms-correlation-request-id"];

export function parseBody(answer: AnswerText): ParsedBody {
    if (answer.text.trim() === "") return { status: answer.status, body: undefined, bodyProblem: "the answer has no body" };
    try {
        return { status: answer.status, body: JSON.parse(answer.text) as unknown };
    } catch {
        return {
            status: answer.status,
            body: undefined,
            bodyProblem: `the answer is not JSON (${answer.text.length} characters of ${answer.headers["content-type"] ?? "unknown type"})`,
        };
    }
}

/** Defender's error fields, as far as they are there; a correlation id from a request-id header when the body has none. */
export function parseErrorBody(answer: AnswerText, redact: (text: string) => string): ErrorBodyFields {
    const out: ErrorBodyFields = {};
    const parsed = parseBody(answer);
    const error = typeof parsed.body === "object" && parsed.body !== null ? (parsed.body as Record<string, unknown>).error : undefined;
    if (typeof error === "object" && error !== null) {
        const e = error as Record<string, unknown>;
        if (typeof e.code === "string" && e.code !== "") out.code = redact(e.code);
        if (typeof e.message === "string" && e.message !== "") out.defenderMessage = redact(e.message);
        if (typeof e.target === "string" && e.target !== "") out.correlationId = redact(e.target);
    } else if (parsed.bodyProblem && answer.text.trim() !== "") {
        out.detail = parsed.bodyProblem;
    }
    if (out.correlationId === undefined) {
        const header = CORRELATION_HEADERS.map((h) => answer.headers[h]).find((v) => v !== undefined && v !== "");
        if (header !== undefined) out.correlationId = redact(header);
    }
    return out;
}
