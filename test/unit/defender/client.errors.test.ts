import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import sinon from "sinon";
import { pacingSnapshot, type DefenderClientEvent } from "../../../provider/defender";
import { startRecordingServer } from "../../../testkit/http/recordingServer";
import { drive, fakeClock, until } from "./support/clock";
import { fakeCredential, fakeToken } from "./support/fakeCredential";
import { actionId, CORRELATION_ID, errorBody, machineActionJson, machineJson, MACHINE_ID, OTHER_MACHINE_ID } from "./support/fixtures";
import { useHarness } from "./support/harness";
import { rejection } from "./support/rejection";

const ISOLATE = `/api/machines/${MACHINE_ID}/isolate`;
const MACHINE = `/api/machines/${MACHINE_ID}`;
const isolateBody = { comment: "incident 42", isolationType: "Full" } as const;

describe("defender/client errors and retries", () => {
    const h = useHarness();
    const sandbox = sinon.createSandbox();
    afterEach(() => sandbox.restore());

    describe("refused requests", () => {
        it("400 ActiveRequestAlreadyExists: code and correlation id surface, nothing is retried", async () => {
            h.server.enqueue("POST", ISOLATE, { status: 400, json: errorBody("ActiveRequestAlreadyExists", "Action is already in progress") });
            const e = await rejection(h.client().isolate(MACHINE_ID, isolateBody));
            assert.equal(
                e.message,
                `Defender API POST ${ISOLATE} failed: 400 ActiveRequestAlreadyExists — Action is already in progress (correlation id ${CORRELATION_ID})`,
            );
            assert.deepEqual(
                {
                    kind: e.kind,
                    method: e.method,
                    path: e.path,
                    status: e.status,
                    code: e.code,
                    defenderMessage: e.defenderMessage,
                    correlationId: e.correlationId,
                    outcomeUnknown: e.outcomeUnknown,
                },
                {
                    kind: "http",
                    method: "POST",
                    path: ISOLATE,
                    status: 400,
                    code: "ActiveRequestAlreadyExists",
                    defenderMessage: "Action is already in progress",
                    correlationId: CORRELATION_ID,
                    outcomeUnknown: false,
                },
            );
            assert.equal(h.server.requests.length, 1);
        });

        it("403 and 404 are never retried and never swallowed", async () => {
            h.server.enqueue("GET", MACHINE, { status: 403, json: errorBody("Forbidden", "Missing application roles. API required roles: Machine.Read.All") });
            h.server.enqueue("GET", `/api/machineactions/${actionId(5)}`, { status: 404, json: errorBody("ResourceNotFound", "Machine action was not found") });
            const client = h.client();
            const forbidden = await rejection(client.getMachine(MACHINE_ID));
            assert.equal(forbidden.status, 403);
            assert.equal(forbidden.code, "Forbidden");
            const missing = await rejection(client.getAction(actionId(5)));
            assert.equal(missing.status, 404);
            assert.equal(missing.code, "ResourceNotFound");
            assert.equal(h.server.requests.length, 2);
        });

        it("takes the correlation id from a request-id header when the body has none", async () => {
            h.server.enqueue("GET", MACHINE, { status: 404, headers: { "request-id": "req-123" }, json: { error: { code: "NotFound", message: "nope" } } });
            const e = await rejection(h.client().getMachine(MACHINE_ID));
            assert.equal(e.correlationId, "req-123");
            assert.match(e.message, /404 NotFound — nope \(correlation id req-123\)$/);
        });
    });

    describe("401", () => {
        it("gets one fresh token and retries once", async () => {
            h.server.enqueue("POST", ISOLATE, { status: 401, json: errorBody("Unauthorized", "token expired") }, { status: 201, json: machineActionJson() });
            const action = await h.client().isolate(MACHINE_ID, isolateBody);
            assert.equal(action.id, actionId(1));
            assert.deepEqual(
                h.server.requests.map((r) => r.headers.authorization),
                [`Bearer ${fakeToken(1)}`, `Bearer ${fakeToken(2)}`],
            );
            assert.equal(h.credential.calls, 2);
        });

        it("fails on a second 401, with the fix", async () => {
            h.server.enqueue(
                "GET",
                MACHINE,
                { status: 401, json: errorBody("Unauthorized", "bad audience") },
                { status: 401, json: errorBody("Unauthorized", "bad audience") },
            );
            const e = await rejection(h.client().getMachine(MACHINE_ID));
            assert.equal(e.status, 401);
            assert.equal(e.kind, "http");
            assert.match(
                e.message,
                /401 Unauthorized — bad audience \(correlation id .*\); a freshly issued token was refused too: check tenantId, clientId, the secret and the token scope/,
            );
            assert.equal(h.server.requests.length, 2);
            assert.equal(h.credential.calls, 2);
        });

        it("concurrent 401s share one refresh", async () => {
            h.server.enqueue(
                "GET",
                MACHINE,
                { status: 401, json: errorBody("Unauthorized", "expired") },
                { status: 401, json: errorBody("Unauthorized", "expired") },
            );
            h.server.fallback("GET", MACHINE, { status: 200, json: machineJson() });
            const client = h.client();
            await Promise.all([client.getMachine(MACHINE_ID), client.getMachine(MACHINE_ID)]);
            assert.equal(h.credential.calls, 2);
            assert.deepEqual(
                h.server.requests.map((r) => r.headers.authorization),
                [`Bearer ${fakeToken(1)}`, `Bearer ${fakeToken(1)}`, `Bearer ${fakeToken(2)}`, `Bearer ${fakeToken(2)}`],
            );
        });
    });

    describe("429 (fake timers)", () => {
        it("waits Retry-After, then sends the POST again (a 429 was not performed)", async () => {
            const clock = fakeClock(sandbox);
            const events: DefenderClientEvent[] = [];
            h.server.enqueue(
                "POST",
                ISOLATE,
                { status: 429, headers: { "Retry-After": "7" }, json: errorBody("TooManyRequests", "slow down") },
                { status: 201, json: machineActionJson() },
            );
            const action = await drive(clock, h.client({ onEvent: (e) => events.push(e) }).isolate(MACHINE_ID, isolateBody));
            assert.equal(action.id, actionId(1));
            const [first, second] = h.server.requests;
            assert.equal(h.server.requests.length, 2);
            assert.equal(second.at - first.at, 7_000);
            assert.equal(second.body, first.body);
            assert.deepEqual(
                events.filter((e) => e.type === "retry"),
                [{ type: "retry", method: "POST", path: ISOLATE, attempt: 1, cause: "rateLimited", status: 429, delayMs: 7_000 }],
            );
        });

        it("without Retry-After waits defaultRetryAfterSeconds", async () => {
            const clock = fakeClock(sandbox);
            h.server.enqueue("GET", MACHINE, { status: 429, json: errorBody("TooManyRequests", "slow down") }, { status: 200, json: machineJson() });
            await drive(clock, h.client().getMachine(MACHINE_ID));
            assert.equal(h.server.requests[1].at - h.server.requests[0].at, 60_000);

            h.server.reset();
            h.server.enqueue("GET", MACHINE, { status: 429, text: "" }, { status: 200, json: machineJson() });
            await drive(clock, h.client({ retry: { defaultRetryAfterSeconds: 5 } }).getMachine(MACHINE_ID));
            assert.equal(h.server.requests[1].at - h.server.requests[0].at, 5_000);
        });

        it("tells the bucket: a call made during the wait does not earn another 429", async () => {
            const clock = fakeClock(sandbox);
            h.server.enqueue("GET", MACHINE, { status: 429, headers: { "Retry-After": "5" }, json: errorBody("TooManyRequests", "slow down") });
            h.server.fallback("GET", MACHINE, { status: 200, json: machineJson() });
            const client = h.client();
            const t0 = Date.now();
            const first = client.getMachine(MACHINE_ID);
            await until(() => pacingSnapshot().some((b) => b.blockedForMs > 0), "the 429 to block the bucket");
            const second = h.client().getMachine(MACHINE_ID); // another client of the same tenant and app
            await drive(clock, Promise.all([first, second]));
            assert.deepEqual(
                h.server.requests.map((r) => r.at - t0),
                [0, 5_000, 5_000],
            );
        });

        it("fails at once when Retry-After exceeds maxRetryAfterSeconds, and so do calls queued behind it", async () => {
            fakeClock(sandbox);
            h.server.enqueue("POST", ISOLATE, { status: 429, headers: { "Retry-After": "301" }, json: errorBody("TooManyRequests", "hour limit") });
            const client = h.client();
            const e = await rejection(client.isolate(MACHINE_ID, isolateBody));
            assert.equal(e.kind, "rateLimited");
            assert.equal(e.retryAfterSeconds, 301);
            assert.equal(e.outcomeUnknown, false);
            assert.equal(
                e.message,
                `Defender API POST ${ISOLATE} failed: 429 TooManyRequests — hour limit (correlation id ${CORRELATION_ID}); Retry-After of 301 s exceeds retry.maxRetryAfterSeconds (300); nothing was performed, run again later`,
            );
            const next = await rejection(client.isolate(OTHER_MACHINE_ID, isolateBody));
            assert.equal(next.kind, "rateLimited");
            assert.match(next.message, /the API asked for a pause of 301 s \(Retry-After\), longer than retry\.maxRetryAfterSeconds \(300\); nothing was sent/);
            assert.equal(h.server.requests.length, 1);
        });

        it("gives up after rateLimitRetries 429s in a row", async () => {
            const clock = fakeClock(sandbox);
            h.server.fallback("GET", MACHINE, { status: 429, headers: { "Retry-After": "1" }, json: errorBody("TooManyRequests", "slow down") });
            const e = await rejection(drive(clock, h.client({ retry: { rateLimitRetries: 2 } }).getMachine(MACHINE_ID)));
            assert.equal(e.kind, "rateLimited");
            assert.match(e.message, /still rate limited after 2 retries \(retry\.rateLimitRetries\)/);
            assert.equal(h.server.requests.length, 3);
        });
    });

    describe("5xx, timeouts and lost connections", () => {
        it("GET: 5xx retried with capped exponential backoff (fake timers, no jitter)", async () => {
            const clock = fakeClock(sandbox);
            h.server.enqueue(
                "GET",
                MACHINE,
                { status: 500, json: errorBody("InternalServerError", "oops") },
                { status: 503, text: "" },
                { status: 200, json: machineJson() },
            );
            const events: DefenderClientEvent[] = [];
            const client = h.client({ retry: { jitter: false, backoffBaseMs: 500, backoffMaxMs: 30_000 }, onEvent: (e) => events.push(e) });
            await drive(clock, client.getMachine(MACHINE_ID));
            const at = h.server.requests.map((r) => r.at - h.server.requests[0].at);
            assert.deepEqual(at, [0, 500, 1_500]);
            assert.deepEqual(
                events.map((e) => (e.type === "retry" ? [e.cause, e.status, e.delayMs] : e.type)),
                [
                    ["serverError", 500, 500],
                    ["serverError", 503, 1_000],
                ],
            );
        });

        it("GET: full jitter draws each wait below the capped delay", async () => {
            const clock = fakeClock(sandbox);
            sandbox.stub(Math, "random").returns(0.25);
            h.server.enqueue("GET", MACHINE, { status: 502, text: "" }, { status: 502, text: "" }, { status: 200, json: machineJson() });
            await drive(clock, h.client({ retry: { jitter: true, backoffBaseMs: 1_000 } }).getMachine(MACHINE_ID));
            const at = h.server.requests.map((r) => r.at - h.server.requests[0].at);
            assert.deepEqual(at, [0, 250, 750]);
        });

        it("GET: gives up after retry.limit retries, saying how many attempts", async () => {
            h.server.fallback("GET", MACHINE, { status: 500, headers: { "Content-Type": "text/html" }, text: "<html>gateway</html>" });
            const e = await rejection(h.client({ retry: { limit: 2, jitter: false, backoffBaseMs: 1, backoffMaxMs: 2 } }).getMachine(MACHINE_ID));
            assert.equal(e.status, 500);
            assert.equal(e.outcomeUnknown, false);
            assert.equal(e.message, `Defender API GET ${MACHINE} failed: 500; the answer is not JSON (20 characters of text/html); after 3 attempts`);
            assert.equal(h.server.requests.length, 3);
        });

        it("POST: a 5xx is never sent again; the outcome is unknown", async () => {
            h.server.enqueue("POST", ISOLATE, { status: 500, json: errorBody("InternalServerError", "An error has occurred") });
            h.server.fallback("POST", ISOLATE, { status: 201, json: machineActionJson() });
            const e = await rejection(h.client().isolate(MACHINE_ID, isolateBody));
            assert.equal(e.outcomeUnknown, true);
            assert.equal(
                e.message,
                `Defender API POST ${ISOLATE} failed: 500 InternalServerError — An error has occurred (correlation id ${CORRELATION_ID}); the outcome is unknown`,
            );
            assert.equal(h.server.requests.length, 1);
        });

        it("POST: a timeout is never sent again; the outcome is unknown", async () => {
            h.server.enqueue("POST", ISOLATE, { hang: true });
            h.server.fallback("POST", ISOLATE, { status: 201, json: machineActionJson() });
            const e = await rejection(h.client({ timeoutMs: 150 }).isolate(MACHINE_ID, isolateBody));
            assert.equal(e.kind, "timeout");
            assert.equal(e.outcomeUnknown, true);
            assert.equal(e.message, `Defender API POST ${ISOLATE} failed: no response (timeout after 150 ms); the outcome is unknown`);
            assert.equal(h.server.requests.length, 1);
        });

        it("a request timeout bounds the whole exchange, not only silence: an answer trickling in is cut off", async () => {
            const trickle = http.createServer((_req, res) => {
                res.writeHead(201, { "content-type": "application/json" });
                const body = JSON.stringify(machineActionJson());
                let i = 0;
                const timer = setInterval(() => {
                    if (i >= body.length || res.destroyed) {
                        clearInterval(timer);
                        res.end();
                        return;
                    }
                    res.write(body[i++]);
                }, 40);
                res.on("close", () => clearInterval(timer));
            });
            await new Promise<void>((resolve) => trickle.listen(0, "127.0.0.1", resolve));
            try {
                const url = `http://127.0.0.1:${(trickle.address() as AddressInfo).port}`;
                const start = Date.now();
                const e = await rejection(h.client({ apiBaseUrl: url, timeoutMs: 300 }).isolate(MACHINE_ID, isolateBody));
                assert.deepEqual([e.kind, e.outcomeUnknown], ["timeout", true]);
                assert.ok(Date.now() - start < 1_500, `took ${Date.now() - start} ms`);
            } finally {
                trickle.closeAllConnections();
                await new Promise((resolve) => trickle.close(resolve));
            }
        });

        it("POST: a dropped connection is never sent again; the outcome is unknown", async () => {
            h.server.enqueue("POST", ISOLATE, { drop: true });
            h.server.fallback("POST", ISOLATE, { status: 201, json: machineActionJson() });
            const e = await rejection(h.client().isolate(MACHINE_ID, isolateBody));
            assert.equal(e.kind, "network");
            assert.equal(e.outcomeUnknown, true);
            assert.equal(e.message, `Defender API POST ${ISOLATE} failed: no response (ECONNRESET); the outcome is unknown`);
            assert.equal(h.server.requests.length, 1);
        });

        it("POST: a refused connection means nothing was sent", async () => {
            const closed = await startRecordingServer();
            await closed.close();
            const e = await rejection(h.client({ apiBaseUrl: closed.url }).isolate(MACHINE_ID, isolateBody));
            assert.equal(e.kind, "network");
            assert.equal(e.reason, "ECONNREFUSED");
            assert.equal(e.outcomeUnknown, false);
        });

        it("GET: timeouts and dropped connections are retried", async () => {
            h.server.enqueue("GET", MACHINE, { hang: true }, { drop: true }, { status: 200, json: machineJson() });
            const events: DefenderClientEvent[] = [];
            await h.client({ timeoutMs: 150, onEvent: (e) => events.push(e) }).getMachine(MACHINE_ID);
            assert.equal(h.server.requests.length, 3);
            assert.deepEqual(
                events.map((e) => (e.type === "retry" ? e.cause : e.type)),
                ["timeout", "network"],
            );
        });

        it("POST: a redirect is not followed; the outcome is unknown", async () => {
            h.server.enqueue("POST", ISOLATE, { status: 307, headers: { Location: "http://127.0.0.2:1/elsewhere" }, text: "" });
            const e = await rejection(h.client().isolate(MACHINE_ID, isolateBody));
            assert.equal(e.status, 307);
            assert.equal(e.outcomeUnknown, true);
            assert.match(e.message, /failed: 307; redirects are not followed; the outcome is unknown$/);
            assert.equal(h.server.requests.length, 1);
        });
    });

    describe("answers that are not what the API documents", () => {
        it("POST 201 with an unusable body: the action exists, so the outcome is unknown", async () => {
            h.server.enqueue(
                "POST",
                ISOLATE,
                { status: 201, json: { id: actionId(1) } },
                { status: 201, text: "not json" },
                { status: 201, json: machineActionJson({ machineId: OTHER_MACHINE_ID }) },
            );
            const client = h.client();
            const missing = await rejection(client.isolate(MACHINE_ID, isolateBody));
            assert.equal(missing.kind, "invalidResponse");
            assert.equal(missing.outcomeUnknown, true);
            assert.equal(
                missing.message,
                `Defender API POST ${ISOLATE} failed: 201; the answer is not a MachineAction: MachineAction field "type" is missing; the outcome is unknown`,
            );
            const notJson = await rejection(client.isolate(MACHINE_ID, isolateBody));
            assert.match(
                notJson.message,
                /failed: 201; the answer is not a MachineAction: the answer is not JSON \(8 characters of unknown type\); the outcome is unknown$/,
            );
            const otherDevice = await rejection(client.isolate(MACHINE_ID, isolateBody));
            assert.match(otherDevice.message, new RegExp(`the answer is an action for device ${OTHER_MACHINE_ID}, not ${MACHINE_ID}; the outcome is unknown$`));
        });

        it("GET of another machine than asked is refused", async () => {
            h.server.enqueue("GET", MACHINE, { status: 200, json: machineJson({ id: OTHER_MACHINE_ID }) });
            const e = await rejection(h.client().getMachine(MACHINE_ID));
            assert.equal(e.kind, "invalidResponse");
            assert.equal(e.outcomeUnknown, false);
        });
    });

    describe("token failures", () => {
        it("a credential error becomes a token error; nothing is sent", async () => {
            const failing = fakeCredential({
                failWith: Object.assign(new Error("AADSTS7000215: Invalid client secret provided."), { name: "AuthenticationError" }),
            });
            const e = await rejection(h.client({ credential: failing }).isolate(MACHINE_ID, isolateBody));
            assert.equal(e.kind, "token");
            assert.equal(e.method, "TOKEN");
            assert.equal(e.outcomeUnknown, false);
            assert.equal(
                e.message,
                "Defender API token request for https://api.securitycenter.microsoft.com/.default failed: AuthenticationError: AADSTS7000215: Invalid client secret provided.",
            );
            assert.equal(h.server.requests.length, 0);
        });

        it("a credential that answers no token is refused", async () => {
            const e = await rejection(h.client({ credential: fakeCredential({ answerNull: true }) }).getMachine(MACHINE_ID));
            assert.equal(e.kind, "token");
            assert.match(e.message, /failed: Error: the credential returned no token$/);
        });
    });
});
