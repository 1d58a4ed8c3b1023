// The control API under /_emulator/: no authentication, not logged, JSON in and out. Transport-free: it
// answers a (method, path, body text) with a status and a JSON value; http/ reads and writes them.
import { Result, fail, ok } from "../base/result";
import { ControlError } from "../core/controlShapes";
import { EmulatorCore } from "../core/emulatorCore";
import { hideActionControl, purgeActionsControl, reportStatusControl } from "../core/historyControls";

type Json = unknown;
type Handler = (core: EmulatorCore, params: string[], body: Json) => Result<Json, ControlError>;

interface ControlRoute {
    method: string;
    pattern: RegExp;
    handler: Handler;
}

const ID = "([^/]+)";
const route = (method: string, path: string, handler: Handler): ControlRoute => ({
    method,
    pattern: new RegExp(`^/_emulator${path.replace(/:id/g, ID)}/?$`),
    handler,
});

const field = (body: Json, key: string): unknown => (typeof body === "object" && body !== null ? (body as Record<string, unknown>)[key] : undefined);

export const CONTROL_ROUTES: readonly ControlRoute[] = [
    route("GET", "/health", (core) => ok({ ok: true, now: core.snapshot().now })),
    route("GET", "/state", (core) => ok(core.snapshot())),
    route("GET", "/requests", (core) => ok(core.log.list())),
    route("DELETE", "/requests", (core) => {
        core.log.clear();
        return ok({ cleared: true });
    }),
    route("POST", "/requests/clear", (core) => {
        core.log.clear();
        return ok({ cleared: true });
    }),
    route("POST", "/reset", (core) => {
        core.reset();
        return ok({ reset: true });
    }),
    route("GET", "/config", (core) => ok(core.configView())),
    route("PATCH", "/config", (core, _p, body) => core.configure(body)),
    route("POST", "/machines", (core, _p, body) => core.addMachine(body)),
    route("GET", "/machines/:id", (core, [id]) => {
        const m = core.machineView(id);
        return m ? ok(m) : fail({ status: 404, code: "NotFound", message: `machine ${id} does not exist` });
    }),
    route("PATCH", "/machines/:id", (core, [id], body) => core.updateMachine(id, body)),
    route("POST", "/alerts", (core, _p, body) => core.addAlert(body)),
    route("DELETE", "/machines/:id", (core, [id]) => {
        const r = core.deleteMachine(id);
        return r.ok ? ok({ deleted: id }) : r;
    }),
    route("POST", "/machines/:id/isolate", (core, [id], body) => core.isolateOutOfBand(id, body)),
    route("POST", "/machines/:id/release", (core, [id], body) => core.releaseOutOfBand(id, body)),
    route("POST", "/machines/:id/online", (core, [id], body) => core.setOnline(id, field(body, "online"))),
    route("POST", "/actions/purge", (core, _p, body) => purgeActionsControl(core, body)),
    route("POST", "/actions/:id/hide", (core, [id], body) => hideActionControl(core, id, field(body, "ms"))),
    route("POST", "/actions/:id/status", (core, [id], body) => reportStatusControl(core, id, field(body, "status"))),
    route("GET", "/actions/:id", (core, [id]) => {
        const a = core.actionView(id);
        return a ? ok(a) : fail({ status: 404, code: "NotFound", message: `action ${id} does not exist` });
    }),
    route("POST", "/actions/:id/force", (core, [id], body) => {
        const { status, ...rest } = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
        return core.forceAction(id, status, rest);
    }),
    route("GET", "/faults", (core) => ok(core.faults.list())),
    route("POST", "/faults", (core, _p, body) => core.injectFault(body)),
    route("DELETE", "/faults", (core) => {
        core.faults.clear();
        return ok({ cleared: true });
    }),
    route("POST", "/clock/advance", (core, _p, body) => core.advanceClock(field(body, "ms"))),
    route("POST", "/tokens", (core, _p, body) => core.issueToken(body)),
    route("DELETE", "/tokens", (core) => {
        core.tokens.revokeAll();
        return ok({ revoked: true });
    }),
];

export interface ControlAnswer {
    status: number;
    body: Json;
}

const error = (status: number, code: string, message: string): ControlAnswer => ({ status, body: { error: { code, message } } });

export function answerControl(core: EmulatorCore, method: string, path: string, text: string): ControlAnswer {
    let body: Json = undefined;
    if (text.trim() !== "") {
        try {
            body = JSON.parse(text);
        } catch {
            return error(400, "InvalidInput", "body: not valid JSON");
        }
    }
    let allowed = false;
    for (const r of CONTROL_ROUTES) {
        const m = r.pattern.exec(path);
        if (!m) continue;
        if (r.method !== method) {
            allowed = true;
            continue;
        }
        let params: string[];
        try {
            params = m.slice(1).map(decodeURIComponent);
        } catch {
            return error(400, "InvalidInput", "path: bad percent-encoding");
        }
        const out = r.handler(core, params, body);
        if (out.ok) return { status: 200, body: out.value };
        return error(out.error.status, out.error.code, out.error.message);
    }
    return allowed ? error(405, "MethodNotAllowed", `no control route ${method} ${path}`) : error(404, "NotFound", `no control route ${method} ${path}`);
}
