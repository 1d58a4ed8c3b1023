/**
 * Every failure names the device, the operation and what to do. The operations raise a
 * LifecycleError, data to the last step (operation, device, what happened, what is recorded, the fix),
 * worded here in one place; an error from below that reaches them unexplained (a Defender API or token
 * error, an invalid configuration) is worded here too, once for all operations. Errors the operations
 * raised pass unchanged, the same object (a recorded partial failure keeps its id and properties).
 */
import { isDefenderApiError } from "../defender";
import { engineLines } from "../base/engineText";
import { CONFIGURATION_TOLD } from "./context";
import { ConfigurationError } from "./settings";

export type Operation = "create" | "read" | "update" | "delete";

export const PREFIX: Record<Operation, string> = {
    create: "Isolate device",
    read: "Refresh of",
    update: "Change isolation of device",
    delete: "Release device",
};

const AFTER: Record<Operation, string> = {
    create: "Run 'pulumi up' again: an isolate Defender accepted is adopted, never sent twice.",
    read: "The state is unchanged; run 'pulumi refresh' again.",
    update: "The state is unchanged; run 'pulumi up' again.",
    delete: "The resource stays in state; run the command again: a release in flight is adopted, never sent twice.",
};

/** What an operation could not do, as data: `message` is its one wording. */
export class LifecycleError extends Error {
    constructor(
        readonly op: Operation,
        readonly device: string,
        /** What happened, without the device or the operation. */
        readonly happened: string,
        /** What the state holds now. */
        readonly recorded: string,
        /** The one fix that applies. */
        readonly fix: string,
        options?: { cause?: unknown },
    ) {
        super(
            `${PREFIX[op]} ${device}: ${[happened, fix, recorded]
                .map(sentence)
                .filter((t) => t !== "")
                .join(" ")}`,
            options,
        );
        this.name = "LifecycleError";
    }
}

/** Text ending in one full stop, or nothing. */
function sentence(text: string): string {
    const t = text.trim().replace(/[.;]+$/, "");
    return t === "" ? "" : `${t}.`;
}

/** What is recorded after a failure, by operation, when nothing changed. */
export const UNCHANGED: Record<Operation, string> = {
    create: "Nothing was isolated or recorded",
    read: "The state is unchanged",
    update: "The state is unchanged",
    delete: "The resource stays in state, so running the command again continues from here",
};

export async function explained<T>(op: Operation, device: string, run: () => Promise<T>): Promise<T> {
    try {
        return await run();
    } catch (e) {
        throw inert(withoutTrace(explain(op, device, e)));
    }
}

/**
 * Messages quote Defender's text (device names, requestors, Defender's own error wording): written
 * through engineLines, in place, so a recorded partial failure stays the same object.
 */
function inert(e: unknown): unknown {
    if (!(e instanceof Error)) return e;
    e.message = engineLines(e.message);
    const reasons = (e as { reasons?: unknown }).reasons;
    if (Array.isArray(reasons))
        (e as unknown as { reasons: unknown[] }).reasons = (reasons as unknown[]).map((r) => (typeof r === "string" ? engineLines(r) : r));
    return e;
}

/**
 * The SDK's provider host prints `${error}: ${error.stack}` for a failed read or delete before the
 * engine shows the message: a user must read the message and its fix, not this package's frames.
 */
function withoutTrace(e: unknown): unknown {
    if (e instanceof Error) e.stack = "";
    return e;
}

export function explain(op: Operation, device: string, e: unknown): unknown {
    if (e instanceof LifecycleError || (e instanceof Error && "reasons" in e)) return e;
    if (e instanceof Error && e.message.startsWith(`${PREFIX[op]} `)) return e;
    // About the stack's settings, not this device: said once (context.ts), as it is, with the fix it names.
    if (e instanceof ConfigurationError) return e.message === CONFIGURATION_TOLD ? new ConfigurationError(`${PREFIX[op]} ${device}: ${e.message}`) : e;
    const subject = `${PREFIX[op]} ${device}`;
    const text = errorText(e).replace(/\.?\s*$/, "");
    return new Error(`${subject}: ${text}. ${fixOf(e)} ${AFTER[op]}`, { cause: e });
}

export function errorText(e: unknown): string {
    return e instanceof Error ? e.message : String(e);
}

/**
 * An error the engine treats as "created (or updated), but failed to initialize": it records `id` and
 * `properties` in state, and the next `up` updates the resource. The way an isolate Defender accepted
 * is never lost when what follows it fails.
 */
export function recordedFailure(message: string, id: string, properties: Record<string, unknown>): Error {
    return Object.assign(new Error(message), { id, properties, reasons: [message] });
}

/** What to do about a refused request, by status and Defender code. */
export function fixFor(status: number | undefined, code: string | undefined): string {
    switch (code) {
        case "OsPlatformNotSupported":
        case "ClientVersionNotSupported":
            return "This device's platform or sensor version does not support this isolation type: use isolationType Full, or update the Defender sensor.";
        case "DisabledFeature":
            return "Enable device isolation in the Defender portal (Settings → Endpoints → Advanced features).";
        case "InvalidInput":
        case "InvalidRequestBody":
        case "MissingRequiredParameter":
            return "Defender refused the request body; check comment and isolationType.";
        default:
            break;
    }
    if (status === 401)
        return "The token was refused: check defender:tenantId, defender:clientId and defender:clientSecret (or, with defender:authMethod ambient, the runner's Azure identity).";
    if (status === 403)
        return "Grant the application the Machine.Isolate permission (and Machine.Read.All for lookups by name) on the WindowsDefenderATP API, with admin consent.";
    if (status === 404) return "The device is not known to Defender (offboarded or deleted).";
    if (status === 429) return "Defender's rate limit held for longer than the provider waits: lower defender:rateLimits or run again later.";
    return "Run 'pulumi up' again; if it persists, quote the correlation id to Microsoft support.";
}

function fixOf(e: unknown): string {
    if (!isDefenderApiError(e)) return "";
    if (e.kind === "token") {
        return (
            "Check defender:tenantId, defender:clientId and defender:clientSecret (or, with defender:authMethod ambient, the runner's Azure identity) and that the login host answers. " +
            "A refresh signs in with the settings recorded at the last update: after changing them, run with --run-program (or PULUMI_RUN_PROGRAM=true)."
        );
    }
    if (e.kind === "invalidOptions" || e.kind === "invalidInput") return "Check the declaration and the defender:* configuration.";
    if (e.kind === "timeout" || e.kind === "network") return "Check the connection to Defender (defender:apiBaseUrl).";
    if (e.kind === "http" && (e.status ?? 0) >= 500) return "If it persists, quote the correlation id to Microsoft support.";
    return fixFor(e.status, e.code);
}
