import assert from "node:assert/strict";
import { DefenderApiError, defenderApiError, isDefenderApiError, redact } from "../../../provider/defender";
import { CORRELATION_ID, MACHINE_ID } from "./support/fixtures";

describe("defender/errors", () => {
    const isolatePath = `/api/machines/${MACHINE_ID}/isolate`;

    it("formats an API error with status, code, Defender's message and the correlation id", () => {
        const e = defenderApiError({
            kind: "http",
            method: "POST",
            path: isolatePath,
            status: 400,
            code: "ActiveRequestAlreadyExists",
            defenderMessage: "Action is already in progress",
            correlationId: CORRELATION_ID,
            outcomeUnknown: false,
        });
        assert.equal(
            e.message,
            `Defender API POST ${isolatePath} failed: 400 ActiveRequestAlreadyExists — Action is already in progress (correlation id ${CORRELATION_ID})`,
        );
    });

    it("says when the outcome of a POST is unknown", () => {
        const network = defenderApiError({ kind: "network", method: "POST", path: isolatePath, reason: "ECONNRESET", outcomeUnknown: true });
        assert.equal(network.message, `Defender API POST ${isolatePath} failed: no response (ECONNRESET); the outcome is unknown`);
        const timeout = defenderApiError({ kind: "timeout", method: "POST", path: isolatePath, reason: "timeout after 30000 ms", outcomeUnknown: true });
        assert.equal(timeout.message, `Defender API POST ${isolatePath} failed: no response (timeout after 30000 ms); the outcome is unknown`);
        const server = defenderApiError({ kind: "http", method: "POST", path: isolatePath, status: 503, outcomeUnknown: true });
        assert.equal(server.message, `Defender API POST ${isolatePath} failed: 503; the outcome is unknown`);
    });

    it("formats token, input and option errors", () => {
        assert.equal(
            defenderApiError({
                kind: "token",
                method: "TOKEN",
                path: "https://api.securitycenter.microsoft.com/.default",
                outcomeUnknown: false,
                detail: "AuthenticationError: AADSTS7000215: Invalid client secret provided.",
            }).message,
            "Defender API token request for https://api.securitycenter.microsoft.com/.default failed: AuthenticationError: AADSTS7000215: Invalid client secret provided.",
        );
        assert.equal(
            defenderApiError({ kind: "invalidInput", method: "GET", path: "/api/machines/{machineId}", outcomeUnknown: false, detail: "machineId must be …" })
                .message,
            "Defender API GET /api/machines/{machineId} refused before sending: machineId must be …",
        );
        assert.equal(
            defenderApiError({ kind: "invalidInput", method: "", path: "", outcomeUnknown: false, detail: "x" }).message,
            "Defender API refused before sending: x",
        );
        assert.equal(
            defenderApiError({ kind: "invalidOptions", method: "", path: "", outcomeUnknown: false, problems: ["a is wrong", "b is wrong"] }).message,
            "Defender client options are invalid: a is wrong; b is wrong",
        );
    });

    it("is an Error (a DefenderApiError) with its fields as own data, no undefined keys and no cause", () => {
        const e = defenderApiError({
            kind: "http",
            method: "GET",
            path: "/api/x",
            status: 404,
            code: "NotFound",
            outcomeUnknown: false,
            correlationId: undefined,
        });
        assert.equal(Object.getPrototypeOf(e), DefenderApiError.prototype);
        assert.ok(e instanceof Error);
        assert.equal(e.name, "DefenderApiError");
        assert.ok(!("correlationId" in e));
        assert.ok(!("cause" in e));
        assert.deepEqual(JSON.parse(JSON.stringify(e)), {
            name: "DefenderApiError",
            kind: "http",
            method: "GET",
            path: "/api/x",
            status: 404,
            code: "NotFound",
            outcomeUnknown: false,
        });
    });

    it("recognizes its own errors only", () => {
        assert.equal(isDefenderApiError(defenderApiError({ kind: "http", method: "GET", path: "/", outcomeUnknown: false })), true);
        assert.equal(isDefenderApiError(new Error("x")), false);
        assert.equal(isDefenderApiError(Object.assign(new Error("x"), { name: "DefenderApiError" })), false);
        assert.equal(isDefenderApiError(null), false);
        assert.equal(isDefenderApiError("DefenderApiError"), false);
    });

    it("scrubs token-shaped text out of every text field", () => {
        const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
        const e = defenderApiError({
            kind: "http",
            method: "GET",
            path: "/api/x",
            status: 400,
            outcomeUnknown: false,
            defenderMessage: `bad header Authorization: Bearer ${jwt}`,
            detail: `client_secret=s3cr3t-value&x=1 and access_token":"opaque-token"`,
        });
        for (const text of [e.message, JSON.stringify(e)]) {
            assert.ok(!text.includes(jwt) && !text.includes("s3cr3t-value") && !text.includes("opaque-token"), text);
        }
        assert.match(e.message, /Bearer \[redacted\]/);
    });

    it("redacts exact secrets of four characters or more", () => {
        assert.equal(redact("the secret is abcd1234 here", ["abcd1234"]), "the secret is [redacted] here");
        assert.equal(redact("short abc stays", ["abc"]), "short abc stays");
    });
});
