// Public surface of the local Entra ID + Defender for Endpoint emulator.
export { startEmulator, EmulatorOptionsError } from "./startEmulator";
export type { RunningEmulator } from "./startEmulator";
export { ensureCa, CA_CERT_FILE, CA_KEY_FILE } from "./tls";
export { DEFAULT_DEVICES, DEFAULT_FLEET } from "./fleet/defaultFleet";
export { syntheticDevices } from "./fleet/synthetic";
export type { DeviceSpec } from "./fleet/deviceSpec";
export { DEFAULT_AUDIENCE, DEFAULT_TLS_DIR, RATE_LIMITED_APIS, ISOLATION_TYPES, defaultConfig } from "./options";
export type {
    EmulatorOptions,
    RuntimeOptions,
    EmulatorConfig,
    TlsOptions,
    FleetOptions,
    RateLimitOptions,
    RateWindow,
    RateLimitedApi,
    ActionDelays,
    QuirkOptions,
    ClientRegistration,
    IsolationType,
} from "./options";
export { EmulatorControlError } from "./control/controlTypes";
export type {
    EmulatorState,
    MachineStateView,
    OutOfBandIsolateOptions,
    OutOfBandReleaseOptions,
    OutOfBandResult,
    ForceActionOptions,
    IssueTokenOptions,
} from "./control/controlTypes";
export { ACTION_STATUSES } from "./defender/models";
export type { ActionStatus, ActionType, MachineActionJson, MachineJson, IsolationState } from "./defender/models";
export { FORCED_STATUSES } from "./defender/defenderState";
export type { ForcedStatus } from "./defender/defenderState";
export { CORRELATION_HEADER } from "./defender/errors";
export type { DefenderErrorBody, DefenderErrorCode } from "./defender/errors";
export type { EntraErrorBody } from "./entra/entraErrors";
export { FAULT_KINDS } from "./http/faults";
export type { FaultSpec, Fault, FaultKind } from "./http/faults";
export type { RequestLogEntry } from "./http/requestLog";
export { ROUTE_NAMES } from "./http/routes";
export type { RouteName } from "./http/routes";
