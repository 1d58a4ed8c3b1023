// Defender-shaped errors: {"error":{"code","message","target"}}; target is a fresh correlation id, also
// sent in the X-Correlation-Id header (the header name is the emulator's choice; Microsoft documents none).
import { newGuid } from "../base/ids";
import { Reply } from "../base/reply";

export const CORRELATION_HEADER = "x-correlation-id";

export type DefenderErrorCode =
    | "BadRequest"
    | "ODataError"
    | "InvalidInput"
    | "InvalidRequestBody"
    | "MissingRequiredParameter"
    | "OsPlatformNotSupported"
    | "ClientVersionNotSupported"
    | "ActiveRequestAlreadyExists"
    | "Unauthorized"
    | "Forbidden"
    | "DisabledFeature"
    | "DisallowedOperation"
    | "NotFound"
    | "ResourceNotFound"
    | "MethodNotAllowed"
    | "PayloadTooLarge"
    | "TooManyRequests"
    | "InternalServerError"
    | "ServiceUnavailable";

export interface DefenderErrorBody {
    error: { code: string; message: string; target: string };
}

/** `code` is one of DefenderErrorCode, or any code an injected fault names. */
export function defenderError(status: number, code: string, message: string, headers: Record<string, string> = {}): Reply {
    const target = newGuid();
    const body: DefenderErrorBody = { error: { code, message, target } };
    return { status, headers: { ...headers, [CORRELATION_HEADER]: target }, body };
}
