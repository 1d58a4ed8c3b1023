/** The GitOps incident program: incident files in Git → DeviceIsolation resources. */
export { defenderNameLookup, incidentProgram, incidentProgramFromConfig, IncidentProgramError, NOT_DECLARED } from "./program";
export { resolveDeviceNames, type NameLookup, type NamedDevice } from "./nameResolution";
export type { IncidentDeviceOutput, IncidentOutput, IncidentProgramResult } from "./program";
export type { IncidentProgramOptions } from "./options";
export { loadIncidentFolder } from "./incidentFolder";
export { planDevices } from "./devicePlan";
export { formatProblem } from "./problems";
export type { IncidentProblem } from "./problems";
