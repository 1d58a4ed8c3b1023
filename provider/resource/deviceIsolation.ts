/**
 * The program side of DeviceIsolation: the resource users declare, and the tiny provider text
 * stored in the state of every resource.
 *
 * The text is a loader, nothing more: it finds the installed `pulumi-defender-isolation` package from
 * the provider host's working directory and hands the host its lifecycle module. So the text stored in
 * state stays a few hundred bytes, captures no configuration or secret, and read/delete of old state
 * always run the installed implementation (the engine keeps the *old* provider text for those; here
 * old and new text load the same code).
 */
import * as pulumi from "@pulumi/pulumi";
import type { IsolationType } from "./inputs";

export type { IsolationType } from "./inputs";

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

/**
 * The provider text stored as `__provider` in every resource's inputs and outputs: a module whose
 * `handler()` returns the provider, as the dynamic-provider host loads it (`require-from-string`, then
 * `handler()`, once per distinct text). It returns the installed package's lifecycle module (which
 * exports configure/check/diff/create/read/update/delete), found from the host's working directory;
 * in this package's own repository (its root Pulumi project) by walking up to its package.json.
 *
 * Written by hand rather than serialized from a closure: the serializer wraps every method in its own
 * scaffolding (3.4 KB, stored twice per resource); this text, kept short on purpose, is an eighth of
 * that. It holds no configuration or secret, and old state written with the serialized text loads the
 * same code (the dynamic provider never replaces a resource because its provider text changed; diff
 * ignores it).
 */
export const PROVIDER_TEXT =
    "exports.handler=()=>{" +
    "const p=require('path'),n='pulumi-defender-isolation',m='/dist/provider/lifecycle/index.js';" +
    "try{return require(n+m)}catch(e){if(e.code!=='MODULE_NOT_FOUND')throw e}" +
    "for(let d=process.cwd();;d=p.dirname(d)){let j;try{j=require(d+'/package.json').name}catch{}" +
    "if(j===n)return require(d+m);" +
    "if(p.dirname(d)===d)throw new Error(n+' is not installed where this Pulumi program runs ('+process.cwd()+'); see its README, Install')}}";

/** The dynamic-provider type token, as `pulumi.dynamic.Resource` builds it. */
export const DEVICE_ISOLATION_TYPE = "pulumi-nodejs:dynamic/defender:DeviceIsolation";

/**
 * Declares that one Defender for Endpoint device is isolated from the network.
 *
 * - create: isolates the device (or adopts an isolation already pending or in place), keeps the
 *   MachineAction id as the resource id.
 * - refresh: notices a release done behind Pulumi's back; the next `up` isolates the device again.
 * - delete: releases the device (cancels a still-pending isolate instead of racing it).
 */
export class DeviceIsolation extends pulumi.CustomResource {
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
        // What pulumi.dynamic.Resource registers, with the provider text above in place of a serialized closure.
        super(
            DEVICE_ISOLATION_TYPE,
            name,
            { ...outputs, machineId: undefined, computerDnsName: undefined, isolationType: undefined, ...args, __provider: PROVIDER_TEXT },
            opts,
        );
    }
}
