// The client's endpoint table against the emulator's route table: the same Defender endpoints, with
// the same methods, path shapes and rate-limit budgets. The two name their budgets differently; the
// one mapping between the names is below.
import assert from "node:assert/strict";
import { ROUTES, type RateLimitedApi } from "../../../emulator";
import { API_BUCKETS, endpointPath, ENDPOINT_LIST, ENDPOINTS, type ApiBucket } from "../../../provider/defender";
import { MACHINE_ID, actionId } from "./support/fixtures";

/** The client's bucket names → the emulator's budget names. */
const EMULATOR_BUDGET: Record<ApiBucket, RateLimitedApi> = {
    isolate: "isolate",
    unisolate: "unisolate",
    cancel: "cancel",
    "actions.read": "machineActionsRead",
    "machines.read": "machinesRead",
    "alerts.read": "alertsRead",
    "incidents.read": "incidentsRead",
};

/** Emulator routes the client has no use for: an alert's device is read by its id from the alert. */
const NOT_CALLED_BY_CLIENT = new Set(["getAlertMachine"]);

/** A path template with each parameter (`{name}` or `:name`) as `*`, lower-cased. */
function shape(template: string): string {
    return template
        .split("/")
        .map((s) => (/^\{\w+\}$|^:\w+$/.test(s) ? "*" : s.toLowerCase()))
        .join("/");
}

/** The emulator's route path, whichever way its table spells it (a template, or its segments). */
function routePath(route: unknown): string {
    const r = route as { path?: string; segments?: string[] };
    return r.path ?? `/${(r.segments ?? []).join("/")}`;
}

describe("defender/endpoints: one table, the same as the emulator's", () => {
    const defenderRoutes = ROUTES.filter((r) => r.family === "defender" && !NOT_CALLED_BY_CLIENT.has(r.name));

    it("the same endpoints, methods, path shapes and budgets", () => {
        const client = ENDPOINT_LIST.map((e) => ({ name: e.name, method: e.method, shape: shape(e.path), budget: EMULATOR_BUDGET[e.bucket] }));
        const emulator = defenderRoutes.map((r) => ({
            name: r.name,
            method: r.method,
            shape: shape(routePath(r)),
            budget: (r as { rateLimit?: RateLimitedApi }).rateLimit,
        }));
        const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
        assert.deepEqual([...client].sort(byName), [...emulator].sort(byName));
    });

    it("every client bucket is a budget the emulator enforces, and the other way round", () => {
        assert.deepEqual([...new Set(ENDPOINT_LIST.map((e) => e.bucket))].sort(), [...API_BUCKETS].sort());
        assert.deepEqual(
            [...new Set(defenderRoutes.map((r) => (r as { rateLimit?: RateLimitedApi }).rateLimit))].sort(),
            API_BUCKETS.map((b) => EMULATOR_BUDGET[b]).sort(),
        );
    });

    it("fills a template with encoded segments and refuses a missing one", () => {
        assert.equal(endpointPath(ENDPOINTS.isolate, { machineId: MACHINE_ID }), `/api/machines/${MACHINE_ID}/isolate`);
        assert.equal(endpointPath(ENDPOINTS.cancelAction, { actionId: actionId(3) }), `/api/machineactions/${actionId(3)}/cancel`);
        assert.equal(endpointPath(ENDPOINTS.getMachine, { machineId: "a b" }), "/api/machines/a%20b");
        assert.throws(() => endpointPath(ENDPOINTS.getAction, {}), /getAction: no value for \{actionId\}/);
    });

    it("a read never spends a write budget, nor a write a read budget", () => {
        for (const e of ENDPOINT_LIST) assert.equal(e.bucket.endsWith(".read"), e.method === "GET", e.name);
    });
});
