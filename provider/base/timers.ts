/**
 * Waits that end early when a signal aborts: every wait of an operation with a deadline is one of
 * these, so none can outlast it. The global setTimeout only, so fake timers drive them in tests.
 */
import { describeValue } from "./text";

/** Resolves after `ms`; rejects with the signal's reason as soon as it aborts (at once if it already has), clearing the timer. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal === undefined) return new Promise((resolve) => setTimeout(resolve, ms));
    return new Promise((resolve, reject) => {
        if (signal.aborted) return reject(abortReason(signal));
        const onAbort = () => {
            clearTimeout(timer);
            reject(abortReason(signal));
        };
        const timer = setTimeout(() => {
            signal.removeEventListener("abort", onAbort);
            resolve();
        }, ms);
        signal.addEventListener("abort", onAbort, { once: true });
    });
}

/**
 * `work`'s outcome, or the signal's reason as soon as it aborts: the caller stops waiting, while `work`
 * (a request other callers share, say) goes on unobserved.
 */
export function abortable<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal === undefined) return work;
    if (signal.aborted) {
        work.catch(() => undefined); // settles unobserved
        return Promise.reject(abortReason(signal));
    }
    return new Promise<T>((resolve, reject) => {
        const onAbort = () => reject(abortReason(signal));
        signal.addEventListener("abort", onAbort, { once: true });
        work.then(
            (value) => {
                signal.removeEventListener("abort", onAbort);
                resolve(value);
            },
            (error: unknown) => {
                signal.removeEventListener("abort", onAbort);
                reject(error);
            },
        );
    });
}

/** Calls `onAbort` once when the signal aborts (at once if it already has); returns the function that stops listening. */
export function onAbort(signal: AbortSignal | undefined, onAbort: () => void): () => void {
    if (signal === undefined) return () => undefined;
    if (signal.aborted) {
        onAbort();
        return () => undefined;
    }
    signal.addEventListener("abort", onAbort, { once: true });
    return () => signal.removeEventListener("abort", onAbort);
}

/** True for an AbortSignal (from AbortController, AbortSignal.timeout or AbortSignal.any). */
export function isAbortSignal(value: unknown): value is AbortSignal {
    return (
        typeof value === "object" &&
        value !== null &&
        typeof (value as AbortSignal).aborted === "boolean" &&
        typeof (value as AbortSignal).addEventListener === "function" &&
        typeof (value as AbortSignal).removeEventListener === "function"
    );
}

/** The signal's reason as an Error: AbortSignal.timeout's TimeoutError, abort()'s AbortError, or the reason given. */
export function abortReason(signal: AbortSignal): Error {
    const reason: unknown = signal.reason;
    if (reason instanceof Error) return reason;
    const e = new Error(reason === undefined ? "aborted" : typeof reason === "string" ? reason : describeValue(reason));
    e.name = "AbortError";
    return e;
}

/** One caller of a shared wait (a batched read, a status poll): settled once, by the shared work or by its own signal. */
export interface SharedWaiter<T> {
    resolve(value: T): void;
    reject(error: unknown): void;
}

/**
 * Waits on shared work as one of its callers: `join` adds the waiter where the work will settle it;
 * when `signal` aborts first, `leave` takes it out again (the work goes on for the others) and the wait
 * rejects with `stopped()`.
 */
export function sharedWait<T>(
    signal: AbortSignal | undefined,
    join: (waiter: SharedWaiter<T>) => void,
    leave: (waiter: SharedWaiter<T>) => void,
    stopped: () => Error,
): Promise<T> {
    return new Promise<T>((resolve, reject) => {
        if (signal?.aborted) return reject(stopped());
        let stopListening = () => undefined as void;
        const waiter: SharedWaiter<T> = {
            resolve: (value) => (stopListening(), resolve(value)),
            reject: (error) => (stopListening(), reject(error)),
        };
        join(waiter);
        stopListening = onAbort(signal, () => {
            leave(waiter);
            reject(stopped());
        });
    });
}
