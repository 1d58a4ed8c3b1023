// An API or token request over HTTP: parse it, hand it to the core with this connection's side of the
// exchange, and write the answer the core gives.
import { IncomingMessage, ServerResponse } from "http";
import { ApiRequest, serveApiRequest } from "../core/apiExchange";
import { EmulatorCore } from "../core/emulatorCore";
import { readBody } from "./body";

const LOOPBACK_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/i;

export interface ApiEndpointEnv {
    core: EmulatorCore;
    scheme: "http" | "https";
    /** The emulator's own base URL, used when the Host header is not a loopback name. */
    baseUrl: () => string;
    /** Waits (tracked, so stop() can cut it short); false if the emulator stopped meanwhile. */
    sleep: (ms: number) => Promise<boolean>;
}

function headerRecord(req: IncomingMessage): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
    }
    return out;
}

function originOf(req: IncomingMessage, env: ApiEndpointEnv): string {
    const host = req.headers.host;
    return host !== undefined && LOOPBACK_HOST.test(host) ? `${env.scheme}://${host}` : env.baseUrl();
}

export async function handleApiRequest(req: IncomingMessage, res: ServerResponse, env: ApiEndpointEnv): Promise<void> {
    const request: ApiRequest = {
        method: (req.method ?? "GET").toUpperCase(),
        target: req.url ?? "/",
        headers: headerRecord(req),
        rawHeaders: [...req.rawHeaders],
        origin: originOf(req, env),
    };
    await serveApiRequest(env.core, request, {
        readBody: () => readBody(req),
        sleep: env.sleep,
        send: (answer) => {
            res.writeHead(answer.status, { ...answer.headers, "content-length": String(Buffer.byteLength(answer.body)) });
            res.end(answer.body);
        },
        drop: () => req.socket.destroy(),
    });
}
