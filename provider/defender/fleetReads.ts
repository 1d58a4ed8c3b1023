/**
 * Reads that choose devices: the fleet's device listing (whole, or narrowed by a documented
 * server-side filter), an alert, and a Defender XDR incident. Each answer is checked again here with
 * the filter's own rule, case-insensitively, so a service that filters more loosely never adds a
 * device; a service that filters more tightly can leave one out, which is why callers that must not
 * lose a device read it again by id (see listMachines).
 *
 * The incidents API is Defender XDR's: same host, another token audience (`xdrScope`), and a budget
 * of its own (50 calls a minute).
 */
import { describeValue } from "../base/text";
import { endpointPath, entityAnswer, ENDPOINTS, requestOf } from "./endpoints";
import { invalidInputError } from "./errors";
import { alertIdProblem, xdrIncidentIdProblem } from "./ids";
import type { Alert, Machine, XdrIncident } from "./models";
import { odataAnyEq, odataEq, odataStartsWith } from "./odata";
import { listAll, type ListingPage } from "./paging";
import type { Transport } from "./transport";

/**
 * Which devices a fleet listing asks for, with the filters Microsoft documents on GET /api/machines:
 * a machine tag (`machineTags/any(tag: tag eq …)`), a DNS name or its beginning (`computerDnsName eq`,
 * `startswith(computerDnsName, …)`), an internal address (`lastIpAddress eq`). None: every device.
 */
export type FleetFilter = { tag: string } | { dnsName: string } | { dnsNamePrefix: string } | { lastIpAddress: string } | Record<string, never>;

export interface FleetListing {
    /** Pages this listing may read before it fails. @default the client's maxPages */
    maxPages?: number;
    onPage?: (page: ListingPage) => void;
}

export interface FleetReads {
    listFleet(filter?: FleetFilter, listing?: FleetListing): Promise<Machine[]>;
    getAlert(alertId: string): Promise<Alert>;
    getIncident(incidentId: string): Promise<XdrIncident>;
}

const MAX_FILTER_TEXT = 255;
const CONTROL = /[\u0000-\u001f\u007f]/; // eslint-disable-line no-control-regex -- control characters are what is refused

/** The OData clause and the same rule applied to each device of the answer. */
function fleetQuery(filter: FleetFilter): { clause?: string; keep: (m: Machine) => boolean } {
    const template = { method: "GET", path: "/api/machines" };
    const text = (key: string, value: unknown): string => {
        if (typeof value !== "string" || value.trim() === "" || value.length > MAX_FILTER_TEXT || CONTROL.test(value)) {
            throw invalidInputError(`filter.${key} must be one line of at most ${MAX_FILTER_TEXT} characters; got ${describeValue(value)}`, template);
        }
        return value;
    };
    const same = (a: string | null, b: string) => a !== null && a.toLowerCase() === b.toLowerCase();
    if (typeof filter !== "object" || filter === null) throw invalidInputError('the fleet filter must be an object such as {tag: "Finance"}', template);
    const keys = Object.keys(filter);
    if (keys.length > 1) throw invalidInputError(`the fleet filter takes one of tag, dnsName, dnsNamePrefix, lastIpAddress; got ${keys.join(", ")}`, template);
    if ("tag" in filter) {
        const tag = text("tag", filter.tag);
        return { clause: odataAnyEq("machineTags", "tag", tag), keep: (m) => m.machineTags.some((t) => same(t, tag)) };
    }
    if ("dnsName" in filter) {
        const name = text("dnsName", filter.dnsName);
        return { clause: odataEq("computerDnsName", name), keep: (m) => same(m.computerDnsName, name) };
    }
    if ("dnsNamePrefix" in filter) {
        const prefix = text("dnsNamePrefix", filter.dnsNamePrefix).toLowerCase();
        return { clause: odataStartsWith("computerDnsName", prefix), keep: (m) => (m.computerDnsName ?? "").toLowerCase().startsWith(prefix) };
    }
    if ("lastIpAddress" in filter) {
        const ip = text("lastIpAddress", filter.lastIpAddress);
        return { clause: odataEq("lastIpAddress", ip), keep: (m) => same(m.lastIpAddress, ip) };
    }
    if (keys.length === 1) throw invalidInputError(`the fleet filter takes one of tag, dnsName, dnsNamePrefix, lastIpAddress; got ${keys[0]}`, template);
    return { keep: () => true };
}

export function createFleetReads(o: { transport: Transport; xdrTransport: () => Transport; pageSize: number; maxPages: number }): FleetReads {
    return {
        async listFleet(filter = {}, listing = {}) {
            const q = fleetQuery(filter);
            return listAll(o.transport, {
                endpoint: ENDPOINTS.listMachines,
                filter: q.clause,
                keep: q.keep,
                filtersLocally: false,
                pageSize: o.pageSize,
                maxPages: listing.maxPages ?? o.maxPages,
                onPage: listing.onPage,
            });
        },

        async getAlert(alertId) {
            const problem = alertIdProblem(alertId);
            if (problem) throw invalidInputError(problem, requestOf(ENDPOINTS.getAlert));
            const params = { alertId };
            const path = endpointPath(ENDPOINTS.getAlert, params);
            const res = await o.transport.send({ method: "GET", path, bucket: ENDPOINTS.getAlert.bucket });
            const alert = entityAnswer(ENDPOINTS.getAlert, params, path, res);
            return alert;
        },

        async getIncident(incidentId) {
            const problem = xdrIncidentIdProblem(incidentId);
            if (problem) throw invalidInputError(problem, requestOf(ENDPOINTS.getIncident));
            const params = { incidentId };
            const path = endpointPath(ENDPOINTS.getIncident, params);
            const res = await o.xdrTransport().send({ method: "GET", path, bucket: ENDPOINTS.getIncident.bucket });
            const incident = entityAnswer(ENDPOINTS.getIncident, params, path, res);
            return incident;
        },
    };
}
