/** Typed builders for Defender answers and models, each with overrides. */
import type { Machine, MachineAction } from "../../../../provider/defender";

export const MACHINE_ID = "1e5bc9d7e413ddd7902c2932e418702b84d0cc07";
export const OTHER_MACHINE_ID = "7a2f0c1d9e8b6a5f4c3d2e1f0a9b8c7d6e5f4a3b";
export const CORRELATION_ID = "43f4b0d1-2c3e-4f5a-8b6c-7d8e9f0a1b2c";

/** A deterministic action id: 00000000-0000-4000-8000-<n as 12 hex digits>. */
export function actionId(n: number): string {
    return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

/** A MachineAction as Defender sends it (JSON), with extra fields the client must ignore. */
export function machineActionJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        id: actionId(1),
        type: "Isolate",
        title: "Isolate device",
        requestor: "app:pulumi",
        requestorComment: "incident 42",
        status: "Pending",
        machineId: MACHINE_ID,
        computerDnsName: "fin-lt-042.contoso.com",
        creationDateTimeUtc: "2024-05-01T10:00:00.1234567Z",
        lastUpdateDateTimeUtc: "2024-05-01T10:00:00.1234567Z",
        cancellationRequestor: null,
        cancellationComment: null,
        cancellationDateTimeUtc: null,
        errorHResult: 0,
        scope: "Full",
        externalId: null,
        requestSource: "PublicApi",
        relatedFileInfo: null,
        commands: [],
        troubleshootInfo: null,
        ...overrides,
    };
}

/** The MachineAction model, as the client returns it. */
export function machineAction(overrides: Partial<MachineAction> = {}): MachineAction {
    return {
        id: actionId(1),
        type: "Isolate",
        scope: "Full",
        requestor: "app:pulumi",
        requestorComment: "incident 42",
        status: "Pending",
        machineId: MACHINE_ID,
        computerDnsName: "fin-lt-042.contoso.com",
        creationDateTimeUtc: "2024-05-01T10:00:00.1234567Z",
        lastUpdateDateTimeUtc: "2024-05-01T10:00:00.1234567Z",
        cancellationRequestor: null,
        cancellationComment: null,
        cancellationDateTimeUtc: null,
        ...overrides,
    };
}

export function machineJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        id: MACHINE_ID,
        computerDnsName: "fin-lt-042.contoso.com",
        osPlatform: "Windows11",
        healthStatus: "Active",
        lastSeen: "2024-05-01T09:58:00Z",
        machineTags: ["finance"],
        riskScore: "Low",
        rbacGroupName: "Finance",
        lastIpAddress: "10.1.2.3",
        lastExternalIpAddress: "203.0.113.10",
        onboardingStatus: "Onboarded",
        ...overrides,
    };
}

export function machine(overrides: Partial<Machine> = {}): Machine {
    return {
        id: MACHINE_ID,
        computerDnsName: "fin-lt-042.contoso.com",
        osPlatform: "Windows11",
        healthStatus: "Active",
        lastSeen: "2024-05-01T09:58:00Z",
        machineTags: ["finance"],
        rbacGroupName: "Finance",
        lastIpAddress: "10.1.2.3",
        lastExternalIpAddress: "203.0.113.10",
        onboardingStatus: "Onboarded",
        ...overrides,
    };
}

/** Defender's error body. */
export function errorBody(code: string, message: string, target: string = CORRELATION_ID): Record<string, unknown> {
    return { error: { code, message, target } };
}

/** A collection answer. */
export function collection(items: unknown[], nextLink?: string): Record<string, unknown> {
    return {
        "@odata.context": "https://api.security.microsoft.com/api/$metadata#MachineActions",
        value: items,
        ...(nextLink ? { "@odata.nextLink": nextLink } : {}),
    };
}
