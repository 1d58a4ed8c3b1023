// A control API request over HTTP: read the body, let the control API answer, write its JSON.
import { IncomingMessage, ServerResponse } from "http";
import { answerControl } from "../control/controlRoutes";
import { EmulatorCore } from "../core/emulatorCore";
import { readBody } from "./body";

function send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body ?? null);
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(text)) });
    res.end(text);
}

export async function handleControlRequest(req: IncomingMessage, res: ServerResponse, core: EmulatorCore): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = (req.method ?? "GET").toUpperCase();
    const read = await readBody(req);
    if (!read.ok) {
        if (read.reason === "tooLarge") send(res, 413, { error: { code: "PayloadTooLarge", message: "body larger than 1 MiB" } });
        return;
    }
    const answer = answerControl(core, method, url.pathname, read.text);
    send(res, answer.status, answer.body);
}
