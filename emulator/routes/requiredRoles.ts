// The application roles each Defender route requires, as Microsoft's API reference lists them ("one of
// the following permissions is required"). A token holding none of a route's roles is refused with 403.
import { DefenderRouteName } from "./catalogue";

const READ = ["Machine.Read.All", "Machine.ReadWrite.All"];

export const REQUIRED_ROLES: Readonly<Record<DefenderRouteName, readonly string[]>> = Object.freeze({
    isolate: ["Machine.Isolate"],
    unisolate: ["Machine.Isolate"],
    cancelAction: [
        "Machine.CollectForensics",
        "Machine.Isolate",
        "Machine.RestrictExecution",
        "Machine.Scan",
        "Machine.Offboard",
        "Machine.StopAndQuarantine",
        "Machine.LiveResponse",
    ],
    getMachine: READ,
    listMachines: READ,
    getAction: READ,
    listActions: READ,
    getAlertMachine: READ,
    getAlert: ["Alert.Read.All", "Alert.ReadWrite.All"],
    // Defender XDR's incidents API (the Microsoft Threat Protection application).
    getIncident: ["Incident.Read.All", "Incident.ReadWrite.All"],
});
