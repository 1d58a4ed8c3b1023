import assert from "node:assert/strict";
import { inspect } from "node:util";
import { isDefenderApiError, type DefenderClient } from "../../../provider/defender";
import type { RecordedRequest } from "../../../testkit/http/recordingServer";
import { fakeCredential, fakeToken } from "./support/fakeCredential";
import { actionId, MACHINE_ID } from "./support/fixtures";
import { useHarness } from "./support/harness";

const ISOLATE = `/api/machines/${MACHINE_ID}/isolate`;
const MACHINE = `/api/machines/${MACHINE_ID}`;

/** An error body that echoes the request's Authorization header everywhere it can. */
function echo(status: number, extraHeaders: Record<string, string> = {}) {
    return (r: RecordedRequest) => {
        const auth = String(r.headers.authorization);
        const token = auth.replace(/^Bearer /, "");
        return {
            status,
            headers: { "request-id": token, ...extraHeaders },
            json: { error: { code: "BadRequest", message: `You sent Authorization: ${auth} (${token})`, target: token } },
        };
    };
}

describe("defender/client: no token or secret in any error", () => {
    const h = useHarness();

    const scenarios: Array<[string, (client: DefenderClient) => Promise<unknown>, () => void]> = [
        ["400 echoing the header", (c) => c.isolate(MACHINE_ID, { comment: "x", isolationType: "Full" }), () => h.server.fallback("POST", ISOLATE, echo(400))],
        ["401 twice echoing the header", (c) => c.getMachine(MACHINE_ID), () => h.server.fallback("GET", MACHINE, echo(401))],
        [
            "500 on POST echoing the header",
            (c) => c.isolate(MACHINE_ID, { comment: "x", isolationType: "Full" }),
            () => h.server.fallback("POST", ISOLATE, echo(500)),
        ],
        [
            "429 beyond the limit echoing the header",
            (c) => c.getMachine(MACHINE_ID),
            () => h.server.fallback("GET", MACHINE, echo(429, { "Retry-After": "9999" })),
        ],
        [
            "HTML error page echoing the token",
            (c) => c.getMachine(MACHINE_ID),
            () =>
                h.server.fallback("GET", MACHINE, (r) => ({
                    status: 403,
                    headers: { "Content-Type": "text/html" },
                    text: `<p>${String(r.headers.authorization)}</p>`,
                })),
        ],
        [
            "a 200 whose body holds the token where an id belongs",
            (c) => c.getAction(actionId(1)),
            () =>
                h.server.fallback("GET", `/api/machineactions/${actionId(1)}`, (r) => ({
                    status: 200,
                    json: { id: String(r.headers.authorization).slice(7), type: "Isolate" },
                })),
        ],
        [
            "a dropped connection",
            (c) => c.isolate(MACHINE_ID, { comment: "x", isolationType: "Full" }),
            () => h.server.fallback("POST", ISOLATE, { drop: true }),
        ],
        ["a timeout", (c) => c.isolate(MACHINE_ID, { comment: "x", isolationType: "Full" }), () => h.server.fallback("POST", ISOLATE, { hang: true })],
    ];

    for (const [name, call, script] of scenarios) {
        it(name, async () => {
            script();
            let caught: unknown;
            try {
                await call(h.client({ timeoutMs: 100, retry: { limit: 0 } }));
            } catch (e) {
                caught = e;
            }
            assert.ok(isDefenderApiError(caught), `expected a DefenderApiError, got ${String(caught)}`);
            const sent = h.server.requests.map((r) => String(r.headers.authorization).replace(/^Bearer /, ""));
            assert.ok(sent.length > 0 && sent.every((t) => t.startsWith("eyJ")), "the scenario sent no token");
            const texts = [caught.message, caught.stack ?? "", JSON.stringify(caught), inspect(caught, { depth: 10, showHidden: true })];
            for (const text of texts) {
                for (const token of [...h.credential.issued, ...sent]) assert.ok(!text.includes(token), `token leaked: ${text}`);
                assert.ok(!text.includes("fake-signature"), `token part leaked: ${text}`);
            }
            for (const key of ["config", "request", "response", "headers", "cause"]) assert.ok(!(key in caught), `error carries ${key}`);
        });
    }

    it("a failing credential's message is scrubbed of tokens", async () => {
        const failing = fakeCredential({ failWith: new Error(`refresh failed for ${fakeToken(9)}; Bearer opaque-value-123`) });
        let caught: unknown;
        try {
            await h.client({ credential: failing }).getMachine(MACHINE_ID);
        } catch (e) {
            caught = e;
        }
        assert.ok(isDefenderApiError(caught));
        const text = inspect(caught, { depth: 10, showHidden: true });
        assert.ok(!text.includes(fakeToken(9)) && !text.includes("opaque-value-123"), text);
    });
});
