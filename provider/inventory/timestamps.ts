/** Defender's timestamps (ISO, seven fractional digits, sometimes without a zone) for people. */

/** Epoch ms, reading a timestamp without a zone as UTC (as Defender means it); NaN when unreadable. */
export function defenderTime(iso: string): number {
    return Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(iso) ? iso : `${iso}Z`);
}

/** `2026-11-20 10:04 UTC`; the text as sent (one line) when it does not parse. */
export function shortTime(iso: string): string {
    const t = defenderTime(iso);
    // eslint-disable-next-line no-control-regex
    return Number.isNaN(t) ? iso.replace(/[\u0000-\u001f\u007f]+/g, " ").slice(0, 40) : `${new Date(t).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** `3d 4h`, `2h 5m`, `12m`, `40s`: how long ago `iso` was; "-" when unreadable. */
export function age(iso: string, now: Date): string {
    const t = defenderTime(iso);
    if (Number.isNaN(t)) return "-";
    const s = Math.max(0, Math.floor((now.getTime() - t) / 1000));
    const [d, h, m] = [Math.floor(s / 86400), Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60)];
    if (d > 0) return `${d}d ${h}h`;
    if (h > 0) return `${h}h ${m}m`;
    if (m > 0) return `${m}m`;
    return `${s}s`;
}
