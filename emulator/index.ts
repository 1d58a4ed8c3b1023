// Public surface of the local Entra ID + Defender for Endpoint emulator.
//
// Layout: each folder is a layer and imports only from its own layer or lower ones (never upward, never in
// a circle; test/unit/emulator/layering.test.ts checks both):
//   0 base/      ids, Result, clock, Reply (an answer as plain data), runtime option types and their validation
//   1 fleet/     device specs, the default fleet, synthetic devices, fleet files
//   2 entra/     the token endpoint and discovery; defender/: devices, actions, lifecycle, the API handlers
//   3 routes/    the route catalogue (method, path template, family, rate-limit budget) and its handlers
//   4 core/      the emulator's state and diagnostics (faults, request log), and one API exchange end to end
//   5 control/   the control API: its routes (transport-free) and the in-process control methods
//   6 http/      serving only: the server, parsing a request, writing the answer; TLS material
//   7 start/     start options and startEmulator()
//   8 (root)     this file, the command line (cli.ts, cliArgs.ts), ensureCa.ts
export { startEmulator, EmulatorOptionsError } from "./start/startEmulator";
export { DEFAULT_APP_ROLES } from "./base/appRoles";
export type { RunningEmulator } from "./start/startEmulator";
export type { EmulatorOptions, TlsOptions, FleetOptions } from "./start/startOptions";
export { ensureCa, CA_CERT_FILE, CA_KEY_FILE, DEFAULT_TLS_DIR } from "./http/tls";
export { DEFAULT_ALERTS, DEFAULT_ALERT_LIST, DEFAULT_DEVICES, DEFAULT_FLEET, DEFAULT_INCIDENTS } from "./fleet/defaultFleet";
export type { AlertSpec, IncidentSpec } from "./fleet/alertSpec";
export { syntheticDevices } from "./fleet/synthetic";
export type { DeviceSpec } from "./fleet/deviceSpec";
export { DEFAULT_AUDIENCE, DEFAULT_XDR_AUDIENCE, INCIDENTS_API_WINDOWS, RATE_LIMITED_APIS, ISOLATION_TYPES, defaultConfig } from "./base/runtimeOptions";
export type {
    RuntimeOptions,
    EmulatorConfig,
    RateLimitOptions,
    RateWindow,
    RateLimitedApi,
    ActionDelays,
    QuirkOptions,
    ClientRegistration,
    IsolationType,
} from "./base/runtimeOptions";
export { EmulatorControlError } from "./control/inProcessControls";
export type { PurgeActionsOptions } from "./core/historyControls";
export type { EmulatorControls } from "./control/inProcessControls";
export type {
    EmulatorState,
    MachineStateView,
    MachineUpdate,
    OutOfBandIsolateOptions,
    OutOfBandReleaseOptions,
    OutOfBandResult,
    ForceActionOptions,
    IssueTokenOptions,
} from "./core/controlShapes";
export { ACTION_STATUSES } from "./defender/models";
export type { ActionStatus, ActionType, AlertJson, IncidentJson, MachineActionJson, MachineJson, IsolationState } from "./defender/models";
export { FORCED_STATUSES } from "./defender/defenderState";
export type { ForcedStatus } from "./defender/defenderState";
export { CORRELATION_HEADER } from "./defender/errors";
export type { DefenderErrorBody, DefenderErrorCode } from "./defender/errors";
export type { EntraErrorBody } from "./entra/entraErrors";
export { FAULT_KINDS } from "./core/faults";
export type { FaultSpec, Fault, FaultKind } from "./core/faults";
export type { RequestLogEntry } from "./core/requestLog";
export { ROUTES, ROUTE_NAMES } from "./routes/catalogue";
export type { RouteDef, RouteName, EntraRoute, EntraRouteName, DefenderRoute, DefenderRouteName } from "./routes/catalogue";
