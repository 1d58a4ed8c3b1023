// The emulator's notion of "now": a base clock (Date.now by default, so sinon fake timers that fake
// Date also drive it) plus an offset that the control API can advance to jump over long waits.

export type ClockFn = () => number;

export class EmulatorClock {
    private offsetMs = 0;

    constructor(private readonly base: ClockFn = () => Date.now()) {}

    now(): number {
        return this.base() + this.offsetMs;
    }

    advance(ms: number): void {
        this.offsetMs += ms;
    }

    resetOffset(): void {
        this.offsetMs = 0;
    }
}

/** ISO 8601 UTC with seven fractional digits, as the .NET service writes its timestamps. */
export function toServiceTime(ms: number): string {
    const iso = new Date(ms).toISOString(); // 2024-01-02T03:04:05.678Z
    return `${iso.slice(0, -1)}0000Z`;
}

/** Entra's error timestamps: "2023-05-06 06:03:00Z". */
export function toEntraTime(ms: number): string {
    return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")}Z`;
}
