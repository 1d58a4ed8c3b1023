// Alerts (Defender for Endpoint) and incidents (Defender XDR): read-only endpoints, as pure functions
// from a request context to a Reply, like the device and action endpoints.
import { Reply } from "../base/reply";
import { ApiHandler, entity } from "./apiHandlers";
import { defenderError } from "./errors";
import { alertToJson, incidentToJson, machineToJson } from "./serialize";

function alertNotFound(id: string): Reply {
    return defenderError(404, "ResourceNotFound", `Alert ${id} was not found`);
}

/** GET /api/alerts/{id}: the alert, with the device it names (its name and group as they are now). */
export const getAlert: ApiHandler = (ctx) => {
    const alert = ctx.state.alerts.get(ctx.params.id.toLowerCase());
    if (alert === undefined) return alertNotFound(ctx.params.id);
    return entity(ctx, "Alerts", alertToJson(alert, ctx.state.machineById(alert.machineId)));
};

/** GET /api/alerts/{id}/machine: the device the alert names; 404 when the alert or the device is unknown. */
export const getAlertMachine: ApiHandler = (ctx) => {
    const alert = ctx.state.alerts.get(ctx.params.id.toLowerCase());
    if (alert === undefined) return alertNotFound(ctx.params.id);
    const machine = ctx.state.machineById(alert.machineId);
    if (machine === undefined) return defenderError(404, "ResourceNotFound", `Machine ${alert.machineId} was not found`);
    return entity(ctx, "Machines", machineToJson(machine, ctx.now));
};

/** GET /api/incidents/{id} (Defender XDR): the incident and every alert of it, each with its device. */
export const getIncident: ApiHandler = (ctx) => {
    const raw = ctx.params.id;
    if (!/^\d{1,12}$/.test(raw)) return defenderError(400, "InvalidInput", `Incident id '${raw}' is not valid; incident ids are whole numbers`);
    const incident = ctx.state.incidents.get(Number(raw));
    if (incident === undefined) return defenderError(404, "NotFound", `Incident ${raw} was not found`);
    const body = incidentToJson(incident, ctx.state.alertsOf(incident.incidentId), (id) => ctx.state.machineById(id));
    return entity(ctx, "Incidents", body);
};
