/**
 * The isolation type Defender reports for an isolate (its scope), against the one declared. Who owns
 * an isolation is decided in evidence.ts.
 */
import { ISOLATION_TYPES, type IsolationType } from "./inputs";

/**
 * Whether the scope Defender reports fits the isolation type asked for. No scope (pending, or never
 * reported) and a value this provider does not know cannot contradict it. An UnManagedDevice contain
 * may be reported as Full: Defender documents scope only as Full or Selective.
 */
export function scopeFits(asked: IsolationType, reported: string | null): boolean {
    if (reported === null || reported === asked) return true;
    if (!(ISOLATION_TYPES as readonly string[]).includes(reported)) return true;
    return asked === "UnManagedDevice" && reported === "Full";
}

/** The isolation type a reported scope says, when it is one this provider knows. */
export function reportedType(reported: string | null): IsolationType | undefined {
    return (ISOLATION_TYPES as readonly string[]).includes(reported ?? "") ? (reported as IsolationType) : undefined;
}
