import assert from "node:assert/strict";
import type { TokenCredential } from "@azure/identity";
import { createDefenderClient, isDefenderApiError } from "../../../provider/defender";

const MACHINE_ID = "a1beb9c642989d916897d4ce0a770c37adc96b20";

describe("defender/auth: the token request is bounded like every call", () => {
    it("fails with a token error when the credential never answers, after the request timeout", async () => {
        let aborted = false;
        const silent: TokenCredential = {
            getToken: (_scope, options) =>
                new Promise(() => {
                    options?.abortSignal?.addEventListener("abort", () => (aborted = true));
                }),
        };
        const client = createDefenderClient({ apiBaseUrl: "http://127.0.0.1:9", credential: silent, timeoutMs: 150 });
        const started = Date.now();
        await assert.rejects(client.getMachine(MACHINE_ID), (e: unknown) => {
            assert.ok(isDefenderApiError(e));
            assert.equal(e.kind, "token");
            assert.match(e.message, /the login host did not answer within 150 ms/);
            return true;
        });
        assert.ok(Date.now() - started < 5000);
        assert.equal(aborted, true, "the credential was asked to abort");
    });
});
