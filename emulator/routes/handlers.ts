// Each catalogue route's handler: the one place a route name meets the code that answers it.
import * as alerts from "../defender/alertHandlers";
import * as defender from "../defender/apiHandlers";
import * as entra from "../entra/entraEndpoints";
import { DefenderRouteName, EntraRouteName } from "./catalogue";

export const ENTRA_HANDLERS: Readonly<Record<EntraRouteName, entra.EntraHandler>> = {
    instanceDiscovery: entra.instanceDiscoveryEndpoint,
    discovery: entra.openIdConfigurationEndpoint,
    keys: entra.keysEndpoint,
    token: entra.tokenEndpoint,
};

export const DEFENDER_HANDLERS: Readonly<Record<DefenderRouteName, defender.ApiHandler>> = {
    isolate: defender.isolate,
    unisolate: defender.unisolate,
    getMachine: defender.getMachine,
    listMachines: defender.listMachines,
    getAction: defender.getAction,
    listActions: defender.listActions,
    cancelAction: defender.cancelAction,
    getAlert: alerts.getAlert,
    getAlertMachine: alerts.getAlertMachine,
    getIncident: alerts.getIncident,
};
