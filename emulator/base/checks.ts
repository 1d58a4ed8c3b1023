// Small checks shared by the validations at the edge (options, devices, control input).

export function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function intIn(v: unknown, min: number, max: number): v is number {
    return typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
}

/** One error per key of `obj` not in `allowed`, naming it as `where.key`. */
export function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], where: string, errors: string[]): void {
    for (const key of Object.keys(obj)) {
        if (!allowed.includes(key)) errors.push(`${where}.${key}: unknown option; expected one of ${allowed.join(", ")}`);
    }
}
