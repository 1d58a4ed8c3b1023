/** Whole numbers in a range: the one check, and the one way of saying what is wanted. */
import { describeValue } from "./text";

export interface WholeRange {
    min: number;
    max: number;
    /** What is counted, e.g. "seconds": "a whole number of seconds from 1 to 60". @default none */
    unit?: string;
}

/** True for an integer from `min` to `max`. */
export function isWholeIn(value: unknown, min: number, max: number): value is number {
    return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/** "a whole number of seconds from 1 to 60". */
export function wholeNumberText(range: WholeRange): string {
    return `a whole number${range.unit ? ` of ${range.unit}` : ""} from ${range.min} to ${range.max}`;
}

/** `<field> must be a whole number … from min to max; got <value>`, or undefined when `value` is one. */
export function wholeNumberProblem(value: unknown, field: string, range: WholeRange): string | undefined {
    if (isWholeIn(value, range.min, range.max)) return undefined;
    return `${field} must be ${wholeNumberText(range)}; got ${describeValue(value)}`;
}
