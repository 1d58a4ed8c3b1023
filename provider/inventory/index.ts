/**
 * The fleet inventory: which devices are isolated right now, derived from Defender's actions, and
 * how that compares with what Git and state declare. Reads only; never writes to Defender.
 */
export { listIsolations, DEFAULT_INVENTORY_MAX_PAGES, type InventoryProgress, type IsolationInventory, type ListIsolationsOptions } from "./listIsolations";
export {
    actionsByDevice,
    compareRows,
    countStates,
    deviceStatus,
    deviceStatuses,
    needsLookup,
    ISOLATION_STATE_NAMES,
    type DeviceIsolationStatus,
    type DeviceLookup,
    type IsolationStateName,
    type PendingAction,
} from "./deviceStatus";
export { driftReport, type Declaration, type DriftReport, type MarkedStatus, type NotIsolated } from "./drift";
export { stackDeclarations, DEVICE_ISOLATION_TYPE, type StackDeclarations } from "./stackState";
