import { IncomingMessage } from "http";
import { BodyRead } from "../core/apiExchange";

/** Largest request body accepted; more is answered 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<BodyRead> {
    return new Promise((resolve) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let done = false;
        const finish = (r: BodyRead): void => {
            if (done) return;
            done = true;
            resolve(r);
        };
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
                finish({ ok: false, reason: "tooLarge" });
                return;
            }
            if (!done) chunks.push(chunk);
        });
        req.on("end", () => finish({ ok: true, text: Buffer.concat(chunks).toString("utf8") }));
        req.on("error", () => finish({ ok: false, reason: "aborted" }));
        req.on("close", () => finish({ ok: false, reason: "aborted" }));
    });
}
