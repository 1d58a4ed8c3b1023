// Shapes of the core's control operations: what they take and answer (served under /_emulator/ and by the
// in-process methods).
import { IsolationType } from "../base/runtimeOptions";
import { AlertJson, IsolationState, MachineActionJson, MachineJson } from "../defender/models";

/** A device as the control API shows it: the API shape plus what only the emulator knows. */
export type MachineStateView = MachineJson & {
    online: boolean;
    managed: boolean;
    isolation: IsolationState;
};

export interface EmulatorState {
    /** The emulator clock (ISO). */
    now: string;
    machines: MachineStateView[];
    /** All actions, in creation order (no indexing lag here). */
    actions: MachineActionJson[];
    /** Every alert, as GET /api/alerts/{id} answers it. */
    alerts: AlertJson[];
}

/** What PATCH /_emulator/machines/{id} may change. */
export interface MachineUpdate {
    machineTags?: string[];
    rbacGroupName?: string;
    lastIpAddress?: string;
    lastExternalIpAddress?: string;
}

export interface OutOfBandIsolateOptions {
    /** @default "Full" for managed devices, "UnManagedDevice" otherwise */
    isolationType?: IsolationType;
    /** @default config.portalRequestor ("portal-user@contoso.com") */
    requestor?: string;
    /** @default "Isolated from the portal" */
    comment?: string;
    /** Change the device state without creating any action (like the local force-release tool). @default false */
    traceless?: boolean;
}

export interface OutOfBandReleaseOptions {
    /** @default config.portalRequestor */
    requestor?: string;
    /** @default "Released from the portal" */
    comment?: string;
    /** @default false */
    traceless?: boolean;
}

export interface OutOfBandResult {
    /** The Succeeded action it created (requestSource "Portal"), or null when traceless. */
    action: MachineActionJson | null;
    machine: MachineStateView;
}

export interface ForceActionOptions {
    /** For Cancelled: the cancellationRequestor. @default config.portalRequestor */
    requestor?: string;
    /** For Cancelled: the cancellationComment. @default null */
    comment?: string;
}

export interface IssueTokenOptions {
    /** @default "00000000-0000-0000-0000-000000000001" */
    tenantId?: string;
    /** @default "emulator-test-client" */
    clientId?: string;
    /** @default "https://api.securitycenter.microsoft.com/.default" */
    scope?: string;
    /** @default config.tokenLifetimeSeconds */
    lifetimeSeconds?: number;
    /** The token's application roles. @default what config.appRoles gives the client id */
    roles?: string[];
}

export interface ControlError {
    status: 400 | 404 | 409;
    code: "InvalidInput" | "NotFound" | "Conflict";
    message: string;
}
