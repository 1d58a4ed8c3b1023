/**
 * Something a mocha suite starts in a before() hook, named in the suite's body as if it were there
 * already: every property read and write reaches the one started, and one before it is started says so.
 */
export function lateBound<T extends object>(what: string, current: () => T | undefined): T {
    const started = (): T => {
        const target = current();
        if (target === undefined) throw new Error(`${what} is not started: use it inside a test or a hook, after the suite's before()`);
        return target;
    };
    return new Proxy({} as T, {
        get(_proxied, key) {
            const target = started();
            const value: unknown = Reflect.get(target, key, target);
            return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
        set(_proxied, key, value) {
            const target = started();
            return Reflect.set(target, key, value, target);
        },
    });
}
