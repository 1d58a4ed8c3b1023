/**
 * An explicit provider resource's arguments never reach a `@pulumi/pulumi/provider` provider: the
 * SDK's server acknowledges Configure without reading it, and the plugin runs with the stack's
 * `defender:*` config whatever the arguments say. A provider declared for another tenant would then
 * isolate devices in this one. So Configure is looked at before the SDK answers it: arguments that
 * differ from the stack config are refused, naming them, before any resource operation.
 *
 * The look is a wrapper around the service the SDK registers with its own gRPC module (resolved from
 * the SDK, so it is the instance the SDK uses).
 */
import { createRequire } from "module";
import { unwrapSecrets } from "./secrets";

/** Arguments the engine adds to any provider resource that are not settings (and its own `__internal`). */
const NOT_SETTINGS = new Set(["version", "pluginDownloadURL", "pluginChecksums", "envVarMappings"]);

/** A config value as text, JSON read back where it is JSON, so `[{"calls": 1}]` and `[{"calls":1}]` are the same. */
function canonical(value: unknown): string | undefined {
    if (value === undefined || value === null) return undefined;
    const text = typeof value === "string" ? value : JSON.stringify(value);
    try {
        return JSON.stringify(JSON.parse(text));
    } catch {
        return text;
    }
}

/** The arguments that differ from the stack config, by name (values never quoted: they may be secrets). */
export function differingArguments(args: Record<string, unknown>, stack: (key: string) => string | undefined): string[] {
    const { plain } = unwrapSecrets(args);
    return Object.entries(plain)
        .filter(([key]) => !NOT_SETTINGS.has(key) && !key.startsWith("__"))
        .filter(([key, value]) => canonical(value) !== canonical(stack(key)))
        .map(([key]) => key)
        .sort();
}

export function explicitArgumentsError(keys: string[]): Error {
    return new Error(
        `The defender provider takes its settings from the stack config only, and this provider resource sets ${keys.map((k) => `'${k}'`).join(", ")} to other values: ` +
            "an explicit provider's arguments cannot reach the plugin. Remove them from the provider resource and set defender:* in the stack config ('pulumi config set defender:<key> <value>'); a second tenant is a second stack.",
    );
}

interface ConfigureCall {
    request: { getArgs(): { toJavaScript(): Record<string, unknown> } | undefined };
}
type Callback = (error: Error | null, value?: unknown) => void;
type Implementation = Record<string, unknown> & { configure?: (call: ConfigureCall, callback: Callback) => void };

let patched = false;

/** Wraps Configure of the provider service the SDK registers next. Call once, before `provider.main`. */
export function guardExplicitProviders(stack: (key: string) => string | undefined): void {
    if (patched) return;
    const sdkRequire = createRequire(require.resolve("@pulumi/pulumi/provider/server"));
    const grpc = sdkRequire("@grpc/grpc-js") as { Server: { prototype: { addService: (this: unknown, service: unknown, impl: Implementation) => void } } };
    const addService = grpc.Server.prototype.addService;
    grpc.Server.prototype.addService = function (service: unknown, impl: Implementation) {
        const configure = impl.configure;
        if (typeof configure === "function") {
            impl.configure = (call, callback) => {
                const keys = differingArguments(call.request.getArgs()?.toJavaScript() ?? {}, stack);
                if (keys.length > 0) return callback(explicitArgumentsError(keys));
                return configure.call(impl, call, callback);
            };
        }
        return addService.call(this, service, impl);
    };
    patched = true;
}
