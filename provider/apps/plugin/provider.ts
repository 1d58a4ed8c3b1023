/**
 * The native provider: `defender:index:DeviceIsolation` served from the same lifecycle the dynamic
 * provider host runs (resource/host.ts). check, diff, create, read, update and delete call the very
 * functions the dynamic resource's provider text loads; only the wire differs:
 *
 * - settings come from the stack config the engine hands the plugin (config.ts), read and validated by
 *   the same `configure`, in the first operation, with the same messages;
 * - secret inputs arrive wrapped and are unwrapped; every output a secret input became is wrapped again;
 * - read from an id alone (`pulumi import`) returns the declaration as inputs, so the engine can store it.
 */
import type * as provider from "@pulumi/pulumi/provider";
import * as lifecycle from "../../resource/host";
import { NATIVE_DEVICE_ISOLATION_TYPE } from "./schema";
import { union, unwrapSecrets, wrapSecrets } from "./secrets";

type Props = Record<string, unknown>;

/** The declaration's keys: what an import hands back as inputs (check fills and validates them). */
const DECLARATION_KEYS = ["machineId", "comment", "isolationType", "releaseComment", "waitForCompletion", "completionTimeoutSeconds", "protectedMachineTags"];

export class DeviceIsolationProvider implements provider.Provider {
    private configured = false;

    constructor(
        readonly version: string,
        readonly schema: string,
        private readonly config: (key: string) => string | undefined,
    ) {}

    /** The dynamic host configures inside the first operation too; that operation reports a bad setting, later ones fail in context(). */
    private async configureOnce(urn: string): Promise<void> {
        requireDeviceIsolation(urn);
        if (this.configured) return;
        this.configured = true;
        await lifecycle.configure({ config: { get: this.config } });
    }

    async check(urn: string, _olds: Props, news: Props): Promise<provider.CheckResult> {
        await this.configureOnce(urn);
        const { plain, secretKeys } = unwrapSecrets(news);
        const checked = await lifecycle.check({}, plain);
        return { inputs: wrapSecrets(checked.inputs, secretKeys), failures: checked.failures };
    }

    async diff(id: string, urn: string, olds: Props, news: Props): Promise<provider.DiffResult> {
        await this.configureOnce(urn);
        return lifecycle.diff(id, unwrapSecrets(olds).plain, unwrapSecrets(news).plain);
    }

    async create(urn: string, inputs: Props): Promise<provider.CreateResult> {
        await this.configureOnce(urn);
        const { plain, secretKeys } = unwrapSecrets(inputs);
        try {
            const { id, outs } = await lifecycle.create(plain);
            return { id, outs: wrapSecrets(outs, secretKeys) };
        } catch (e) {
            throw keepSecretsOfRecorded(e, secretKeys);
        }
    }

    async read(id: string, urn: string, props?: Props): Promise<provider.ReadResult> {
        await this.configureOnce(urn);
        const { plain, secretKeys } = unwrapSecrets(props);
        const result = await lifecycle.read(id, plain);
        const outs = wrapSecrets(result.props, secretKeys);
        // A refresh keeps the inputs in state; an import (no state) must get the declaration back.
        const imported = Object.keys(plain).length === 0 && result.id !== "";
        return { id: result.id, props: outs, inputs: imported ? pick(outs, DECLARATION_KEYS) : undefined };
    }

    async update(id: string, urn: string, olds: Props, news: Props): Promise<provider.UpdateResult> {
        await this.configureOnce(urn);
        const before = unwrapSecrets(olds);
        const after = unwrapSecrets(news);
        const secretKeys = union(before.secretKeys, after.secretKeys);
        try {
            const { outs } = await lifecycle.update(id, before.plain, after.plain);
            return { outs: wrapSecrets(outs, secretKeys) };
        } catch (e) {
            throw keepSecretsOfRecorded(e, secretKeys);
        }
    }

    async delete(id: string, urn: string, props: Props): Promise<void> {
        await this.configureOnce(urn);
        await lifecycle.delete(id, unwrapSecrets(props).plain);
    }
}

/** The URN's type: this package declares one resource; anything else is refused by name. */
function requireDeviceIsolation(urn: string): void {
    const type = urn.split("::")[2]?.split("$").pop();
    if (type !== NATIVE_DEVICE_ISOLATION_TYPE) {
        throw new Error(
            `The defender provider serves ${NATIVE_DEVICE_ISOLATION_TYPE} only, not ${JSON.stringify(type ?? urn)}: check the resource's type token.`,
        );
    }
}

function pick(props: Props, keys: readonly string[]): Props {
    return Object.fromEntries(keys.filter((k) => props[k] !== undefined).map((k) => [k, props[k]]));
}

/** A recorded partial failure (resource/failures.ts) carries the properties state keeps: secret where the inputs were. */
function keepSecretsOfRecorded(e: unknown, secretKeys: ReadonlySet<string>): unknown {
    const recorded = e as { properties?: unknown };
    if (e instanceof Error && typeof recorded.properties === "object" && recorded.properties !== null) {
        recorded.properties = wrapSecrets(recorded.properties as Props, secretKeys);
    }
    return e;
}
