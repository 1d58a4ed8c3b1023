import { strict as assert } from "assert";
import { isExpired, parseTimestamp } from "../../../provider/incidents/expiry";

describe("gitops: expiry", () => {
    const valid: [string, string][] = [
        ["2026-12-01T00:00:00Z", "2026-12-01T00:00:00.000Z"],
        ["2026-12-01T09:30:00+02:00", "2026-12-01T07:30:00.000Z"],
        ["2026-12-01T09:30-05:00", "2026-12-01T14:30:00.000Z"],
        ["2026-12-01t00:00:00.250z", "2026-12-01T00:00:00.250Z"],
        ["2028-02-29T23:59:59Z", "2028-02-29T23:59:59.000Z"],
    ];
    for (const [text, iso] of valid) {
        it(`reads ${text}`, () => {
            const r = parseTimestamp(text);
            assert.ok(r.ok, JSON.stringify(r));
            assert.equal(r.time.toISOString(), iso);
        });
    }

    const invalid: [string, string][] = [
        ["2026-12-01", "is a date without a time"],
        ["2026-12-01T00:00:00", "has no timezone"],
        ["2026-12-01 00:00", "has no timezone"],
        ["2027-02-29T00:00:00Z", "is not a real date and time"],
        ["2026-13-01T00:00:00Z", "is not a real date and time"],
        ["2026-12-01T24:00:00Z", "is not a real date and time"],
        ["2026-12-01T00:00:00+15:00", "is not a real date and time"],
        ["1764547200", "must be an ISO-8601 timestamp with a timezone"],
        ["tomorrow", "must be an ISO-8601 timestamp with a timezone"],
    ];
    for (const [text, message] of invalid) {
        it(`refuses ${text}`, () => {
            const r = parseTimestamp(text);
            assert.ok(!r.ok);
            assert.ok(r.message.startsWith(message), r.message);
            assert.ok(r.fix.length > 0);
        });
    }

    it("an incident expires at its expiresAt, not before; one without expiresAt never does", () => {
        const at = new Date("2026-12-01T00:00:00Z");
        assert.equal(isExpired(at, new Date(at.getTime() - 1)), false);
        assert.equal(isExpired(at, at), true);
        assert.equal(isExpired(at, new Date(at.getTime() + 1)), true);
        assert.equal(isExpired(undefined, new Date(8.64e15)), false);
    });
});
