#!/usr/bin/env node
/**
 * `pulumi-resource-defender`: the native provider plugin's entry. The engine runs it with its own
 * address as the first argument (after any flags). The SDK's log functions find the engine through
 * PULUMI_NODEJS_ENGINE, read when the SDK first loads, so it is set before anything else is.
 */
const args = process.argv.slice(2);
const engineAddress = args.find((a, i) => !a.startsWith("-") && args[i - 1] !== "--tracing");
if (engineAddress && !process.env.PULUMI_NODEJS_ENGINE) process.env.PULUMI_NODEJS_ENGINE = engineAddress;

(require("./serve") as typeof import("./serve")).serve(args).catch((e: unknown) => {
    process.stderr.write(`pulumi-resource-defender failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
});
