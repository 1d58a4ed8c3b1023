/**
 * Every failure names the device, the operation and what to do. The operations word their own
 * errors; an error from below that reaches them unexplained (a Defender API or token error, an
 * invalid configuration) is worded here, once for all operations. Errors the operations wrote pass
 * unchanged, the same object (a recorded partial failure keeps its id and properties).
 */
import { isDefenderApiError } from "../defender";
import { errorText, fixFor } from "./create";

export type Operation = "create" | "read" | "delete";

const PREFIX: Record<Operation, string> = {
    create: "Isolate device",
    read: "Refresh of",
    delete: "Release device",
};

const AFTER: Record<Operation, string> = {
    create: "Run 'pulumi up' again: an isolate Defender accepted is adopted, never sent twice.",
    read: "The state is unchanged; run 'pulumi refresh' again.",
    delete: "The resource stays in state; run the command again: a release in flight is adopted, never sent twice.",
};

export async function explained<T>(op: Operation, device: string, run: () => Promise<T>): Promise<T> {
    try {
        return await run();
    } catch (e) {
        throw explain(op, device, e);
    }
}

export function explain(op: Operation, device: string, e: unknown): unknown {
    if (e instanceof Error && e.message.startsWith(`${PREFIX[op]} `)) return e;
    const subject = `${PREFIX[op]} ${device}`;
    const text = errorText(e).replace(/\.?\s*$/, "");
    return new Error(`${subject}: ${text}. ${fixOf(e)} ${AFTER[op]}`, { cause: e });
}

function fixOf(e: unknown): string {
    if (!isDefenderApiError(e)) return "";
    if (e.kind === "token") {
        return "Check defender:tenantId, defender:clientId and defender:clientSecret (or the ambient Azure credential) and that the login host answers.";
    }
    if (e.kind === "invalidOptions" || e.kind === "invalidInput") return "Check the declaration and the defender:* configuration.";
    if (e.kind === "timeout" || e.kind === "network") return "Check the connection to Defender (defender:apiBaseUrl).";
    if (e.kind === "http" && (e.status ?? 0) >= 500) return "If it persists, quote the correlation id to Microsoft support.";
    return fixFor(e.status, e.code);
}
