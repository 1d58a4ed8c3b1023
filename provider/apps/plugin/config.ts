/**
 * The provider's `defender:*` settings, as the engine hands them to a native plugin.
 *
 * The SDK's provider server answers Configure without reading it, so the one channel is the
 * `PULUMI_CONFIG` environment variable: JSON of the stack config in the `defender` namespace, keys
 * without it, values decrypted (secrets included). The engine sets it for every instance of the
 * plugin, so an explicit provider resource (`pulumi:providers:defender`) runs with the stack's
 * settings too: its own arguments never arrive (explicitProvider.ts refuses any that differ), and the
 * schema declares none.
 */

/** A getter for `defender:<key>` over the JSON in PULUMI_CONFIG; throws naming the variable when it is not JSON. */
export function stackConfig(json: string | undefined): (key: string) => string | undefined {
    let values: Record<string, unknown> = {};
    if (json !== undefined && json.trim() !== "") {
        try {
            const parsed: unknown = JSON.parse(json);
            if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) values = parsed as Record<string, unknown>;
            else throw new Error("not an object");
        } catch {
            // The text holds decrypted secrets: never quoted.
            throw new Error(
                "PULUMI_CONFIG is not a JSON object of config values: the Pulumi CLI sets it for the plugin; run the plugin through the CLI, not by hand",
            );
        }
    }
    return (key) => {
        const name = key.startsWith("defender:") ? key.slice("defender:".length) : key;
        const value = values[name] ?? values[`defender:${name}`];
        if (value === undefined || value === null) return undefined;
        return typeof value === "string" ? value : JSON.stringify(value);
    };
}
