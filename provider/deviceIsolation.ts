/**
 * The program side of DeviceIsolation: the resource users declare, and the tiny provider object
 * Pulumi serializes into the state of every resource.
 *
 * The serialized object is a loader, nothing more: each method finds the installed
 * `pulumi-defender-isolation` package from the provider host's working directory at call time and
 * delegates to its lifecycle module. So the text stored in state stays a few hundred bytes, captures no
 * configuration or secret, and read/delete of old state always run the installed implementation
 * (the engine keeps the *old* provider text for those; here old and new text load the same code).
 */
import * as pulumi from "@pulumi/pulumi";
import type { IsolationType } from "./lifecycle/inputs";

export type { IsolationType } from "./lifecycle/inputs";

/**
 * What a DeviceIsolation declares: `machineId`, `computerDnsName`, or both (then `machineId` decides
 * which device, and create refuses it unless `computerDnsName` is that device's name).
 */
export interface DeviceIsolationArgs {
    /** Defender device id: 40 hexadecimal characters. */
    machineId?: pulumi.Input<string>;
    /** Device name, resolved to exactly one device by exact, case-insensitive match; 0 or several matches fail. */
    computerDnsName?: pulumi.Input<string>;
    /** Why the device is isolated; sent to Defender as `Comment`. Required, non-empty. */
    comment: pulumi.Input<string>;
    /** @default "Full" */
    isolationType?: pulumi.Input<IsolationType>;
    /** Comment for the release (unisolate or cancel). @default "Released by Pulumi: declaration removed" */
    releaseComment?: pulumi.Input<string>;
    /**
     * Create and delete wait for the MachineAction to finish. Failed/TimeOut/Cancelled fails the
     * operation; an isolation still Pending at the timeout is recorded with a warning, never lost.
     * @default true
     */
    waitForCompletion?: pulumi.Input<boolean>;
    /** @default 600 */
    completionTimeoutSeconds?: pulumi.Input<number>;
    /** Devices carrying any of these Defender machine tags (case-insensitive) are refused at create. @default [] */
    protectedMachineTags?: pulumi.Input<pulumi.Input<string>[]>;
}

const PACKAGE = "pulumi-defender-isolation";
const LIFECYCLE = "dist/provider/lifecycle/index.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
// Runs inside the provider host, never in the program: keep it self-contained (only globals and require).
function lifecycle(): any {
    const path = require("path");
    const fs = require("fs");
    try {
        return require(`${PACKAGE}/${LIFECYCLE}`);
    } catch (e: any) {
        if (e?.code !== "MODULE_NOT_FOUND") throw e;
    }
    // The program is this package's own repository (its root Pulumi project).
    for (let dir = process.cwd(), i = 0; i < 32; dir = path.dirname(dir), i++) {
        try {
            if (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).name === PACKAGE) {
                return require(path.join(dir, LIFECYCLE));
            }
        } catch { /* no readable package.json here: keep walking up */ }
        if (path.dirname(dir) === dir) break;
    }
    throw new Error(`${PACKAGE} is not installed where this Pulumi program runs (${process.cwd()}): install it there from a release tarball or a pinned Git commit (not from the npm registry, where the name is not ours), or run 'npm run build' if it is a source checkout.`);
}

const provider: pulumi.dynamic.ResourceProvider = {
    configure: (req: any) => lifecycle().configure(req),
    check: (olds: any, news: any) => lifecycle().check(olds, news),
    diff: (id: any, olds: any, news: any) => lifecycle().diff(id, olds, news),
    create: (inputs: any) => lifecycle().create(inputs),
    read: (id: any, props: any) => lifecycle().read(id, props),
    update: (id: any, olds: any, news: any) => lifecycle().update(id, olds, news),
    delete: (id: any, props: any) => lifecycle().delete(id, props),
};
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * Declares that one Defender for Endpoint device is isolated from the network.
 *
 * - create: isolates the device (or adopts an isolation already pending or in place), keeps the
 *   MachineAction id as the resource id.
 * - refresh: notices a release done behind Pulumi's back; the next `up` isolates the device again.
 * - delete: releases the device (cancels a still-pending isolate instead of racing it).
 */
export class DeviceIsolation extends pulumi.dynamic.Resource {
    declare public readonly machineId: pulumi.Output<string>;
    declare public readonly computerDnsName: pulumi.Output<string>;
    declare public readonly isolationType: pulumi.Output<IsolationType>;
    declare public readonly comment: pulumi.Output<string>;
    /** The isolate MachineAction id (also the resource id). */
    declare public readonly machineActionId: pulumi.Output<string>;
    /** MachineAction status: Pending, InProgress or Succeeded while the resource exists. */
    declare public readonly status: pulumi.Output<string>;
    declare public readonly requestor: pulumi.Output<string>;
    declare public readonly creationDateTimeUtc: pulumi.Output<string>;
    declare public readonly lastUpdateDateTimeUtc: pulumi.Output<string>;

    constructor(name: string, args: DeviceIsolationArgs, opts?: pulumi.CustomResourceOptions) {
        const outputs = {
            machineActionId: undefined,
            status: undefined,
            requestor: undefined,
            creationDateTimeUtc: undefined,
            lastUpdateDateTimeUtc: undefined,
        };
        super(provider, name, { ...outputs, machineId: undefined, computerDnsName: undefined, isolationType: undefined, ...args }, opts, "defender", "DeviceIsolation");
    }
}
