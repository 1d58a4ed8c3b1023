/**
 * No write without the permission for it. Before an isolate, a release or a cancel leaves this
 * process, the identity's access token is read (provider/defender/tokenRoles.ts): a token that states
 * its permissions and lacks Machine.Isolate is refused here, before any write, with a message naming
 * the missing permission and the identity. A pull request's preview runs as a read-only identity; the
 * same identity reaching `pulumi up` (a misconfigured workflow, a local run) stops before it could
 * half-apply anything. Defender remains the authority: a token that states nothing is sent as before.
 */
import { currentTokenPermissions, defenderApiError, type DefenderClient, type DefenderClientOptions, type TokenPermissions } from "../defender";

/** The application permission isolate and unisolate require; cancel accepts it among others. */
export const WRITE_PERMISSION = "Machine.Isolate";

const CANCEL_PERMISSIONS = [
    "Machine.CollectForensics",
    "Machine.Isolate",
    "Machine.RestrictExecution",
    "Machine.Scan",
    "Machine.Offboard",
    "Machine.StopAndQuarantine",
    "Machine.LiveResponse",
];

/** Why this token may not make this write, or undefined when it may (or says nothing). */
export function missingPermission(granted: TokenPermissions, write: "isolate" | "unisolate" | "cancel", clientId: string | undefined): string | undefined {
    if (!granted.known) return undefined;
    const accepted = write === "cancel" ? CANCEL_PERMISSIONS : [WRITE_PERMISSION];
    if (accepted.some((p) => granted.permissions.includes(p))) return undefined;
    const who = clientId ?? granted.appId;
    const identity = who ? `application ${who}` : "the identity this stack signs in as";
    const holds =
        granted.permissions.length > 0 ? `holds ${granted.permissions.join(", ")} but not ${WRITE_PERMISSION}` : `holds no permission, not ${WRITE_PERMISSION}`;
    return (
        `the access token of ${identity} ${holds}, which isolating, releasing and cancelling need. Nothing was sent to Defender. ` +
        `This is a read-only identity, meant for previews: run 'pulumi up' as the isolating identity (in CI, the up job in its protected environment), ` +
        `or grant ${WRITE_PERMISSION} (application permission on WindowsDefenderATP) to ${identity} with admin consent`
    );
}

/** The client, with every write preceded by the permission pre-check. Reads pass straight through. */
export function guardWrites(client: DefenderClient, options: DefenderClientOptions): DefenderClient {
    const check = async (write: "isolate" | "unisolate" | "cancel", path: string) => {
        const missing = missingPermission(await currentTokenPermissions(options), write, options.clientId);
        if (missing)
            throw defenderApiError({ kind: "invalidInput", method: "POST", path, status: 403, code: "Forbidden", outcomeUnknown: false, detail: missing });
    };
    return {
        ...client,
        async isolate(machineId, request, callOptions) {
            await check("isolate", `/api/machines/${machineId}/isolate`);
            return client.isolate(machineId, request, callOptions);
        },
        async unisolate(machineId, comment, callOptions) {
            await check("unisolate", `/api/machines/${machineId}/unisolate`);
            return client.unisolate(machineId, comment, callOptions);
        },
        async cancelAction(actionId, comment, callOptions) {
            await check("cancel", `/api/machineactions/${actionId}/cancel`);
            return client.cancelAction(actionId, comment, callOptions);
        },
    };
}
