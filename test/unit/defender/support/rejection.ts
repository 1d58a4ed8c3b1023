// The DefenderApiError a call rejects with; a call that resolves, or rejects with anything else, fails the test.
import assert from "node:assert/strict";
import { isDefenderApiError, type DefenderApiError } from "../../../../provider/defender";

export async function rejection(p: Promise<unknown>): Promise<DefenderApiError> {
    try {
        await p;
    } catch (e) {
        assert.ok(isDefenderApiError(e), `not a DefenderApiError: ${String(e)}`);
        return e;
    }
    return assert.fail("expected a rejection");
}
