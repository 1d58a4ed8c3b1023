/** pulumi-defender-isolation: declare Microsoft Defender for Endpoint device isolation with Pulumi. */
export { DeviceIsolation } from "./resource/deviceIsolation";
export type { DeviceIsolationArgs, IsolationType } from "./resource/deviceIsolation";
export { listIsolations, deviceStatuses, driftReport } from "./inventory";
export type { DeviceIsolationStatus, IsolationInventory, IsolationStateName, ListIsolationsOptions, Declaration, DriftReport } from "./inventory";
