/**
 * Incident expiry: `expiresAt` is an ISO-8601 timestamp with a timezone. An incident whose time has
 * come (expiresAt <= now) no longer declares its devices, so the first `pulumi up` after it releases
 * them. A timestamp without a timezone is refused: "midnight" in whose time zone is not a question to
 * answer during an incident.
 */

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;
const EXAMPLE = "2026-12-01T00:00:00Z";

export type TimestampResult = { ok: true; time: Date } | { ok: false; message: string; fix: string };

function daysIn(year: number, month: number): number {
    return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Parses an ISO-8601 timestamp that carries a timezone (`Z` or `±hh:mm`). */
export function parseTimestamp(text: string): TimestampResult {
    const t = text.trim();
    // RFC 3339 allows a lower-case "t" and "z".
    const normalized = t.replace(/^(\d{4}-\d{2}-\d{2})t/, "$1T").replace(/z$/, "Z");
    const m = TIMESTAMP.exec(normalized);
    if (!m) {
        if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
            return { ok: false, message: `is a date without a time, got "${t}"`, fix: `write a time and a timezone, e.g. ${t}T00:00:00Z` };
        }
        if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/i.test(t)) {
            return { ok: false, message: `has no timezone, got "${t}"`, fix: `add Z for UTC or an offset like +02:00, e.g. ${t.replace(" ", "T")}Z` };
        }
        return {
            ok: false,
            message: `must be an ISO-8601 timestamp with a timezone, got "${t}"`,
            fix: `write it like ${EXAMPLE} (UTC) or 2026-12-01T09:00:00+02:00`,
        };
    }
    const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
    const zone = m[8];
    const offsetOk = zone === "Z" || (Number(zone.slice(1, 3)) <= 14 && Number(zone.slice(4, 6)) <= 59);
    if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59 || !offsetOk) {
        return { ok: false, message: `is not a real date and time, got "${t}"`, fix: `check the month, day, hours, minutes and offset, e.g. ${EXAMPLE}` };
    }
    const time = new Date(normalized);
    if (Number.isNaN(time.getTime())) {
        return { ok: false, message: `is not a real date and time, got "${t}"`, fix: `write it like ${EXAMPLE}` };
    }
    return { ok: true, time };
}

/** An incident expires at its expiresAt: from that instant on, its devices are no longer declared. */
export function isExpired(expiresAt: Date | undefined, now: Date): boolean {
    return expiresAt !== undefined && expiresAt.getTime() <= now.getTime();
}
