/** The GitOps incident program: incident files in Git → DeviceIsolation resources. */
export { defenderIdLookup, defenderNameLookup, incidentProgram, incidentProgramFromConfig, IncidentProgramError, NOT_DECLARED } from "./program";
export { resolveDeviceNames, type IdLookup, type NameLookup, type NamedDevice } from "../../incidents/nameResolution";
export type { IncidentDeviceOutput, IncidentOutput, IncidentProgramResult } from "./program";
export type { IncidentProgramOptions } from "./options";
export { loadIncidentFolder } from "../../incidents/incidentFolder";
export { planDevices } from "../../incidents/devicePlan";
export { formatProblem } from "../../incidents/problems";
export type { IncidentProblem } from "../../incidents/problems";
