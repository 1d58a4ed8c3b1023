// The route catalogue: every endpoint the emulator serves, as data (method, path template, family, and the
// rate-limit budget a Defender call spends). Matching, dispatch and the Defender client's checks all read it.
import { RateLimitedApi } from "../base/runtimeOptions";

export type EntraRouteName = "instanceDiscovery" | "discovery" | "keys" | "token";
export type DefenderRouteName =
    "isolate" | "unisolate" | "getMachine" | "listMachines" | "cancelAction" | "getAction" | "listActions" | "getAlert" | "getAlertMachine" | "getIncident";
export type RouteName = EntraRouteName | DefenderRouteName;

interface RouteBase {
    method: "GET" | "POST";
    /** Path template: `:name` captures one segment; fixed segments match case-insensitively. */
    path: string;
}

export interface EntraRoute extends RouteBase {
    name: EntraRouteName;
    family: "entra";
}

export interface DefenderRoute extends RouteBase {
    name: DefenderRouteName;
    family: "defender";
    /** The budget this call spends (see RateLimitOptions.perApi). */
    rateLimit: RateLimitedApi;
    /** Which tokens it accepts: Defender for Endpoint's audience (`audience`), or Defender XDR's (`xdrAudience`). */
    audience: "endpoint" | "xdr";
}

export type RouteDef = EntraRoute | DefenderRoute;

const entra = (name: EntraRouteName, method: RouteBase["method"], path: string): EntraRoute => Object.freeze({ name, method, path, family: "entra" });
const defender = (
    name: DefenderRouteName,
    method: RouteBase["method"],
    path: string,
    rateLimit: RateLimitedApi,
    audience: "endpoint" | "xdr" = "endpoint",
): DefenderRoute => Object.freeze({ name, method, path, family: "defender", rateLimit, audience });

// Order matters: the literal `common/discovery/instance` precedes the tenant patterns.
export const ROUTES: readonly RouteDef[] = Object.freeze([
    entra("instanceDiscovery", "GET", "/common/discovery/instance"),
    entra("discovery", "GET", "/:tenant/v2.0/.well-known/openid-configuration"),
    entra("keys", "GET", "/:tenant/discovery/v2.0/keys"),
    entra("token", "POST", "/:tenant/oauth2/v2.0/token"),
    defender("isolate", "POST", "/api/machines/:id/isolate", "isolate"),
    defender("unisolate", "POST", "/api/machines/:id/unisolate", "unisolate"),
    defender("getMachine", "GET", "/api/machines/:id", "machinesRead"),
    defender("listMachines", "GET", "/api/machines", "machinesRead"),
    defender("cancelAction", "POST", "/api/machineactions/:id/cancel", "cancel"),
    defender("getAction", "GET", "/api/machineactions/:id", "machineActionsRead"),
    defender("listActions", "GET", "/api/machineactions", "machineActionsRead"),
    defender("getAlert", "GET", "/api/alerts/:id", "alertsRead"),
    defender("getAlertMachine", "GET", "/api/alerts/:id/machine", "alertsRead"),
    defender("getIncident", "GET", "/api/incidents/:id", "incidentsRead", "xdr"),
]);

export const ROUTE_NAMES: readonly RouteName[] = ROUTES.map((d) => d.name);
