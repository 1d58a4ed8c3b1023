// Application permissions (app roles): what Entra writes into a token's `roles` claim, per client id.
// The live service grants them through admin consent on the WindowsDefenderATP API; here they are an
// option. Clients not listed get the default, which allows everything this emulator serves.
import { checkKeys, isRecord } from "./checks";

export interface AppRoleOptions {
    /** Roles of a client id not listed in byClientId. @default ["Machine.Isolate", "Machine.Read.All", "Alert.Read.All", "Incident.Read.All"] */
    default?: string[];
    /** Roles per client id (replacing the default for it); a patch sets the ids it names and keeps the others. @default {} */
    byClientId?: Record<string, string[]>;
}

export interface AppRoleConfig {
    default: string[];
    byClientId: Record<string, string[]>;
}

export const DEFAULT_APP_ROLES: readonly string[] = ["Machine.Isolate", "Machine.Read.All", "Alert.Read.All", "Incident.Read.All"];

export function defaultAppRoles(): AppRoleConfig {
    return { default: [...DEFAULT_APP_ROLES], byClientId: {} };
}

/** The roles a token issued to this client carries. */
export function rolesFor(config: AppRoleConfig, clientId: string): string[] {
    return [...(config.byClientId[clientId] ?? config.default)];
}

const ROLE = /^[A-Za-z][A-Za-z0-9.]{0,99}$/;

function roleList(v: unknown, where: string, errors: string[]): string[] | undefined {
    if (!Array.isArray(v) || !v.every((r) => typeof r === "string" && ROLE.test(r))) {
        errors.push(`${where}: must be a list of role names such as ["Machine.Read.All"] ([] for none)`);
        return undefined;
    }
    return [...new Set(v as string[])];
}

/** Checks `appRoles` of a runtime patch and writes it into `next`; problems go to `errors`. */
export function applyAppRoles(input: unknown, next: AppRoleConfig, where: string, errors: string[]): void {
    if (!isRecord(input)) {
        errors.push(`${where}: must be { default?: [roles], byClientId?: { "<client id>": [roles] } }`);
        return;
    }
    checkKeys(input, ["default", "byClientId"], where, errors);
    if (input.default !== undefined) {
        const roles = roleList(input.default, `${where}.default`, errors);
        if (roles) next.default = roles;
    }
    if (input.byClientId !== undefined) {
        if (!isRecord(input.byClientId)) errors.push(`${where}.byClientId: must be an object mapping client ids to role lists`);
        else
            for (const [clientId, v] of Object.entries(input.byClientId)) {
                const roles = roleList(v, `${where}.byClientId.${clientId}`, errors);
                if (roles) next.byClientId[clientId] = roles;
            }
    }
}
