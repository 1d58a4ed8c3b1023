/**
 * The incident program: the incident folder → one DeviceIsolation per declared device, and stack
 * outputs per incident.
 *
 * All or nothing: the folder is read and checked in full before the first resource is declared. On any
 * problem the program throws one error listing them all, and Pulumi changes nothing (a failed program
 * never deletes, so no device is released because a file was unreadable).
 *
 * One resource per device: devices named by computerDnsName are looked up in Defender (read-only, see
 * nameResolution.ts) and declared by machineId, so incidents naming one device two ways share it.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DeviceIsolation } from "../../resource/deviceIsolation";
import { ConfigurationError, readSettings } from "../../resource/settings";
import { planDevices, type Plan } from "../../incidents/devicePlan";
import { deviceLimitProblem } from "../../incidents/guardrails";
import { loadIncidentFolder } from "../../incidents/incidentFolder";
import { expiryWarnings } from "../../incidents/expiryNotice";
import { lookUpDeviceIds, lookUpDeviceNames } from "../../incidents/nameLookup";
import { resolveDeviceNames, type IdLookup, type NameLookup } from "../../incidents/nameResolution";
import { PLAN_ROWS, previewPlanMarkdown, type DeviceOutlook } from "../../incidents/previewPlan";
import { formatConfigProblems, readProgramConfig, resolveProgramOptions, type ConfigProblem, type IncidentProgramOptions } from "./options";
import { describeProblems, type IncidentProblem } from "../../incidents/problems";

/**
 * One device of one incident, in the stack outputs. Values from the resource are outputs at the leaves,
 * so a preview still shows every incident and device, with only the not-yet-known values unknown.
 */
export interface IncidentDeviceOutput {
    /** The DeviceIsolation resource name. */
    name: string;
    machineId: pulumi.Input<string> | null;
    computerDnsName: pulumi.Input<string> | null;
    /** The isolation applied to the device (Full wins when incidents differ), or the one asked for when not declared. */
    isolationType: pulumi.Input<string>;
    /** The isolate action's status, or "NotDeclared" when no open incident lists the device (the update releases it). */
    status: pulumi.Input<string>;
    machineActionId: pulumi.Input<string> | null;
}

export interface IncidentOutput {
    title: string;
    /** The incident file, as shown in messages. */
    file: string;
    /** ISO-8601 in UTC, or null when the incident does not expire. */
    expiresAt: string | null;
    expired: boolean;
    devices: IncidentDeviceOutput[];
}

export interface IncidentProgramResult {
    /** Per incident id, open or expired: export it as a stack output. */
    incidents: Record<string, IncidentOutput>;
    /** Devices declared (isolated) by this update. */
    deviceCount: number;
    /** The declared resources, by resource name. */
    resources: Record<string, DeviceIsolation>;
}

export const NOT_DECLARED = "NotDeclared";

/** Thrown when the configuration or the incident folder has problems; nothing has been declared. */
export class IncidentProgramError extends pulumi.RunError {
    constructor(
        message: string,
        readonly problems: readonly (IncidentProblem | ConfigProblem)[],
    ) {
        super(message);
        this.name = "IncidentProgramError";
    }
}

/**
 * `lookUpNames` resolves computerDnsName declarations to device ids (one resource per device).
 * @default none: devices keep the name they are declared by, and each resource resolves its own at create
 *
 * `lookUpIds` names the devices declared by id in the preview's plan (display only; a failure leaves their ids).
 * @default none
 *
 * Every preview and update warns about each expired incident; every preview also prints its plan (one
 * Markdown table: per incident, each device's name, id, type and what happens to it).
 */
export async function incidentProgram(input: IncidentProgramOptions = {}, lookUpNames?: NameLookup, lookUpIds?: IdLookup): Promise<IncidentProgramResult> {
    const { options, problems: configProblems } = resolveProgramOptions(input);
    if (configProblems.length > 0) throw new IncidentProgramError(formatConfigProblems(configProblems), configProblems);

    const folder = loadIncidentFolder(path.resolve(options.projectRoot, options.incidentsDir), {
        allowEmpty: options.allowEmpty,
        displayRoot: options.projectRoot,
    });
    const problems: IncidentProblem[] = [...folder.problems];
    let incidentsRead = folder.incidents;
    if (problems.length === 0 && lookUpNames) {
        let named;
        try {
            named = await resolveDeviceNames(folder.incidents, lookUpNames);
        } catch (e) {
            const message = `Could not look up the devices named by computerDnsName in Defender: ${e instanceof Error ? e.message : String(e)}. Nothing was declared: no device is isolated or released until the lookup works (check the defender:* configuration), or declare those devices by machineId.`;
            throw new IncidentProgramError(message, []);
        }
        incidentsRead = named.incidents;
        problems.push(...named.problems);
    }
    const plan = planDevices(incidentsRead, options.now);
    problems.push(...plan.problems);
    if (problems.length === 0) {
        const limit = deviceLimitProblem(plan.devices.length, options.maxDevices, folder.folder);
        if (limit) problems.push(limit);
    }
    if (problems.length > 0) throw new IncidentProgramError(describeProblems(folder.folder, problems), problems);

    const resources: Record<string, DeviceIsolation> = {};
    for (const d of plan.devices) {
        resources[d.name] = new DeviceIsolation(d.name, {
            ...(d.machineId ? { machineId: d.machineId } : {}),
            ...(d.computerDnsName ? { computerDnsName: d.computerDnsName } : {}),
            comment: d.comment,
            isolationType: d.isolationType,
            releaseComment: d.releaseComment,
            waitForCompletion: options.waitForCompletion,
            protectedMachineTags: options.protectedTags,
        });
    }

    const dryRun = pulumi.runtime.isDryRun();
    const names = dryRun ? await namesOfIdDevices(plan, lookUpIds) : undefined;
    for (const warning of expiryWarnings(plan, names)) void pulumi.log.warn(warning);
    if (dryRun) void pulumi.log.info(previewPlanMarkdown({ plan, outlook: await previewOutlook(resources), names }));

    const incidents: Record<string, IncidentOutput> = {};
    for (const incident of plan.incidents) {
        incidents[incident.id] = {
            title: incident.title,
            file: incident.file,
            expiresAt: incident.expiresAt ? incident.expiresAt.toISOString() : null,
            expired: incident.expired,
            devices: incident.devices.map((d): IncidentDeviceOutput => {
                const r = resources[d.name];
                return r
                    ? {
                          name: d.name,
                          machineId: r.machineId,
                          computerDnsName: r.computerDnsName,
                          isolationType: r.isolationType,
                          status: r.status,
                          machineActionId: r.machineActionId,
                      }
                    : {
                          name: d.name,
                          machineId: d.machineId ?? null,
                          computerDnsName: d.computerDnsName ?? null,
                          isolationType: d.isolationType,
                          status: NOT_DECLARED,
                          machineActionId: null,
                      };
            }),
        };
    }
    return { incidents, deviceCount: plan.devices.length, resources };
}

/**
 * The program as the root Pulumi project runs it: options from stack config (`<project>:<key>`), a
 * relative incidentsDir resolved against projectRoot (the folder of Pulumi.yaml), and device names
 * looked up in Defender with the stack's `defender:*` config.
 */
export async function incidentProgramFromConfig(
    config: Readonly<Record<string, string>>,
    project: string,
    projectRoot?: string,
): Promise<IncidentProgramResult> {
    const { options, problems } = readProgramConfig(config, project);
    if (problems.length > 0) throw new IncidentProgramError(formatConfigProblems(problems), problems);
    // Every declared device needs the provider's settings: a problem there is said once, here, rather
    // than by the check of every device.
    try {
        readSettings((key) => config[key]);
    } catch (e) {
        if (!(e instanceof ConfigurationError)) throw e;
        throw new IncidentProgramError(`${e.message}\nNothing was declared: no device is isolated or released until it is fixed.`, []);
    }
    return incidentProgram({ ...options, ...(projectRoot ? { projectRoot } : {}) }, defenderNameLookup(config), defenderIdLookup(config));
}

/** Device names of ids, with the stack's defender:* config. */
export function defenderIdLookup(config: Readonly<Record<string, string>>): IdLookup {
    return (ids) => lookUpDeviceIds((key) => config[key], ids);
}

/**
 * The names of the devices incidents list by id only, for the plan: when there are at most PLAN_ROWS
 * of them (a read per 50); none when the lookup fails (the plan shows ids).
 */
async function namesOfIdDevices(plan: Plan, lookUpIds: IdLookup | undefined): Promise<Map<string, string> | undefined> {
    const ids = [...new Set(plan.incidents.flatMap((i) => i.devices).flatMap((d) => (d.machineId && !d.computerDnsName ? [d.machineId] : [])))];
    if (!lookUpIds || ids.length === 0 || ids.length > PLAN_ROWS) return undefined;
    try {
        return await lookUpIds(ids);
    } catch (e) {
        void pulumi.log.info(
            `The plan shows devices declared by id without their names: reading their names failed (${e instanceof Error ? e.message : String(e)}).`,
        );
        return undefined;
    }
}

/**
 * What the preview says of each resource. The engine answers a preview's registration with the state's
 * values for a resource it leaves unchanged, the resource's id alone for an update, and nothing for a
 * create; the SDK shows "not known" as an output whose `isKnown` is false. That flag is not part of the
 * SDK's typed surface, so its absence is handled: the plan then says "not known".
 */
async function previewOutlook(resources: Record<string, DeviceIsolation>): Promise<Map<string, DeviceOutlook>> {
    type Probe = { isKnown?: Promise<boolean>; promise?: () => Promise<unknown> };
    const known = (o: unknown) => (o as Probe).isKnown;
    const value = async (o: unknown) => {
        const v = await (o as Probe).promise?.();
        return typeof v === "string" ? v : undefined;
    };
    const entries = await Promise.all(
        Object.entries(resources).map(async ([name, r]): Promise<[string, DeviceOutlook]> => {
            const [idKnown, actionKnown] = await Promise.all([known(r.id), known(r.machineActionId)]);
            if (idKnown === undefined || actionKnown === undefined) return [name, { change: "unknown" }];
            if (actionKnown) {
                const [status, actionId, computerDnsName] = await Promise.all([value(r.status), value(r.machineActionId), value(r.computerDnsName)]);
                return [name, { change: "unchanged", status, actionId, computerDnsName }];
            }
            return [name, { change: idKnown ? "update" : "isolate" }];
        }),
    );
    return new Map(entries);
}

/** Names looked up with the stack's defender:* config (the same keys the provider reads). */
export function defenderNameLookup(config: Readonly<Record<string, string>>): NameLookup {
    return async (names) => {
        const found = await lookUpDeviceNames((key) => config[key], names);
        return new Map([...found].map(([name, machines]) => [name, machines.map((m) => ({ id: m.id, lastSeen: m.lastSeen }))]));
    };
}
