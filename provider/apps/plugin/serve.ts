/**
 * Starts the plugin's gRPC server (the engine reads its port from stdout). Loaded by main.ts once the
 * engine's address is known to the SDK, so log lines reach the engine.
 */
import * as fs from "fs";
import * as path from "path";
import * as provider from "@pulumi/pulumi/provider";
import { stackConfig } from "./config";
import { guardExplicitProviders } from "./explicitProvider";
import { DeviceIsolationProvider } from "./provider";
import { schemaText } from "./schema";

/** The package's version: the plugin reports it, and the schema carries it. */
export function packageVersion(): string {
    // dist/provider/apps/plugin/ → the package root.
    const file = path.resolve(__dirname, "..", "..", "..", "..", "package.json");
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

export function serve(args: string[]): Promise<void> {
    const version = packageVersion();
    const config = stackConfig(process.env.PULUMI_CONFIG);
    guardExplicitProviders(config);
    return provider.main(new DeviceIsolationProvider(version, schemaText(version), config), args);
}
