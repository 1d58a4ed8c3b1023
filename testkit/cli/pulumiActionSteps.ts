/**
 * The `pulumi` command lines a GitHub workflow's `pulumi/actions` steps run, read from the workflow
 * file, so that the end-to-end suite runs exactly those commands (only the stack, its config file and
 * the backend are its own).
 *
 * pulumi/actions v6 runs the CLI through the Automation API: `command: up` is `stack.up(options)` and
 * `command: preview` is `stack.preview(options)`, with `refresh` among the options since v6.0.0 (it
 * became the `--refresh` flag; before, a separate `pulumi refresh`). The Automation API
 * (@pulumi/pulumi/automation/stack.js) builds `up --yes --skip-preview` / `preview`, then the flags
 * below in its order (`parallel` as `--parallel N` after the policy packs), then `--exec-kind auto.local`,
 * `--stack <name>` and `--non-interactive`. Left out: `--exec-agent` (a label naming the action's
 * version) and `--event-log` (a file the API tails); neither changes what the command does.
 *
 * An input this file does not know fails loudly: a workflow that gains `target:` or `diff:` must not
 * be tested as if it had not.
 */
import { parse } from "yaml";

export type ActionCommand = "preview" | "up";

export interface PulumiActionStep {
    job: string;
    /** The step's position in its job, from 0. */
    step: number;
    command: ActionCommand;
    /** The arguments after `pulumi`, without `--stack` (the caller's) and `--non-interactive`. */
    args: string[];
    /** The `PULUMI_*` variables the step runs with (workflow, job and step `env:`): settings of the CLI too. */
    env: Record<string, string>;
    /**
     * The stack config the action sets before the command (`config-map`). Identity settings in it are
     * the runner's login, which the suite replaces as it replaces the backend.
     */
    config: Record<string, { value: string; secret: boolean }>;
}

/** Values for `${{ <context>.<name> }}` expressions: github, vars, secrets, env. */
export type ExpressionContext = Record<string, Record<string, string>>;

/** Inputs the action uses itself (login, PR comments, CLI install): no flag. `stack-name` is replaced. */
const ACTION_ONLY = new Set([
    "stack-name",
    "comment-on-pr",
    "edit-pr-comment",
    "github-token",
    "comment-on-pr-number",
    "comment-on-summary",
    "always-include-summary",
    "pulumi-version",
]);

/** Boolean inputs and their flags, in the order the Automation API adds them. */
const BOOLEAN_FLAGS: [input: string, flag: string][] = [
    ["expect-no-changes", "--expect-no-changes"],
    ["refresh", "--refresh"],
    ["diff", "--diff"],
];
const GLOBAL_BOOLEAN_FLAGS: [input: string, flag: string][] = [
    ["suppress-outputs", "--suppress-outputs"],
    ["suppress-progress", "--suppress-progress"],
];

/** `${{ a.b }}` replaced from the context; any other expression is an error. */
export function evaluate(text: string, context: ExpressionContext): string {
    const result = text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expr: string) => {
        const m = /^([a-z_]+)\.([A-Za-z_][\w-]*)$/.exec(expr);
        const value = m ? context[m[1]]?.[m[2]] : undefined;
        if (value === undefined) throw new Error(`no value for \${{ ${expr} }}: give it in the expression context`);
        return value;
    });
    if (result.includes("${{")) throw new Error(`no value for the expression in ${JSON.stringify(text)}: only \${{ <context>.<name> }} is evaluated`);
    return result;
}

/** @actions/core's getBooleanInput: true/True/TRUE, false/False/FALSE, else an error. */
function booleanInput(name: string, value: string | undefined): boolean {
    if (value === undefined || value === "") return false;
    if (["true", "True", "TRUE"].includes(value)) return true;
    if (["false", "False", "FALSE"].includes(value)) return false;
    throw new Error(`input ${name} is ${JSON.stringify(value)}, not a YAML 1.2 boolean`);
}

/**
 * A whole-number input (`parallel`): the action passes it as a number and the Automation API adds the
 * flag only when it is not 0; anything but a whole number is an error here rather than a guess.
 */
function numberInput(name: string, value: string | undefined, where: string): number | undefined {
    if (value === undefined || value.trim() === "") return undefined;
    if (!/^\d+$/.test(value.trim())) throw new Error(`${where}: input ${name} is ${JSON.stringify(value)}, not a whole number`);
    return Number(value);
}

interface WorkflowFile {
    env?: Record<string, unknown>;
    jobs?: Record<string, { env?: Record<string, unknown>; steps?: { uses?: string; with?: Record<string, unknown>; env?: Record<string, unknown> }[] }>;
}

function envOf(raw: Record<string, unknown> | undefined, context: ExpressionContext): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw ?? {})) env[k] = evaluate(String(v), { ...context, env });
    return env;
}

/** Every `pulumi/actions` step of the workflow that runs `preview` or `up`, as a command line. */
export function pulumiActionSteps(workflowYaml: string, context: ExpressionContext): PulumiActionStep[] {
    const workflow = parse(workflowYaml) as WorkflowFile;
    const found: PulumiActionStep[] = [];
    const workflowEnv = envOf(workflow.env, context);
    for (const [job, spec] of Object.entries(workflow.jobs ?? {})) {
        const env = { ...workflowEnv, ...envOf(spec.env, { ...context, env: workflowEnv }) };
        (spec.steps ?? []).forEach((s, step) => {
            if (!s.uses?.startsWith("pulumi/actions@")) return;
            if (s.uses !== "pulumi/actions@v6") throw new Error(`${job} step ${step}: ${s.uses}: this mapping is that of pulumi/actions@v6`);
            const stepEnv = { ...env, ...envOf(s.env, { ...context, env }) };
            const inputs: Record<string, string> = {};
            for (const [k, v] of Object.entries(s.with ?? {})) inputs[k] = ACTION_ONLY.has(k) ? String(v) : evaluate(String(v), { ...context, env: stepEnv });
            const command = inputs.command;
            if (command !== "preview" && command !== "up")
                throw new Error(`${job} step ${step}: command ${JSON.stringify(command)} is not mapped (preview and up are)`);
            const known = new Set([
                "command",
                "message",
                "parallel",
                "work-dir",
                "config-map",
                "policyPacks",
                "policyPackConfigs",
                ...BOOLEAN_FLAGS.map(([i]) => i),
                ...GLOBAL_BOOLEAN_FLAGS.map(([i]) => i),
                ...ACTION_ONLY,
            ]);
            const unknown = Object.keys(inputs).filter((k) => !known.has(k));
            if (unknown.length > 0)
                throw new Error(`${job} step ${step}: no CLI mapping for input(s) ${unknown.join(", ")}: add them to test/workflow/pulumiActionSteps.ts`);
            if (inputs["work-dir"] !== undefined && !["", ".", "./"].includes(inputs["work-dir"])) {
                throw new Error(`${job} step ${step}: work-dir ${inputs["work-dir"]}: the suite runs the project at the repository root`);
            }
            const args: string[] = command === "up" ? ["up", "--yes", "--skip-preview"] : ["preview"];
            if (inputs.message) args.push("--message", inputs.message);
            for (const [input, flag] of BOOLEAN_FLAGS) if (booleanInput(input, inputs[input])) args.push(flag);
            for (const [input, flag] of GLOBAL_BOOLEAN_FLAGS) if (booleanInput(input, inputs[input])) args.push(flag);
            for (const pack of list(inputs.policyPacks)) args.push("--policy-pack", pack);
            for (const config of list(inputs.policyPackConfigs)) args.push("--policy-pack-config", config);
            const parallel = numberInput("parallel", inputs.parallel, `${job} step ${step}`);
            if (parallel) args.push("--parallel", String(parallel));
            args.push("--exec-kind", "auto.local");
            // Login and backend variables are the caller's (the suite substitutes the backend).
            const pulumiEnv = Object.fromEntries(
                Object.entries(stepEnv).filter(
                    ([k]) => k.startsWith("PULUMI_") && !/^PULUMI_(ACCESS_TOKEN|BACKEND_URL|CONFIG_PASSPHRASE(_FILE)?|HOME)$/.test(k),
                ),
            );
            found.push({ job, step, command, args, env: pulumiEnv, config: configMap(inputs["config-map"], `${job} step ${step}`) });
        });
    }
    return found;
}

/** `config-map: "{key: {value: v, secret: false}}"`, as the action reads it (YAML); anything else is an error. */
function configMap(text: string | undefined, where: string): Record<string, { value: string; secret: boolean }> {
    if (text === undefined || text.trim() === "") return {};
    const parsed = parse(text) as unknown;
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error(`${where}: config-map is not a map`);
    const out: Record<string, { value: string; secret: boolean }> = {};
    for (const [key, entry] of Object.entries(parsed as Record<string, unknown>)) {
        const e = entry as { value?: unknown; secret?: unknown } | null;
        if (e === null || typeof e !== "object" || e.value === undefined || (e.secret !== undefined && typeof e.secret !== "boolean")) {
            throw new Error(`${where}: config-map ${key} must be {value: ..., secret: true|false}`);
        }
        out[key] = { value: typeof e.value === "string" ? e.value : JSON.stringify(e.value), secret: e.secret === true };
    }
    return out;
}

/** A list input (`policyPacks`, `policyPackConfigs`): comma- or line-separated, as the action splits it. */
function list(text: string | undefined): string[] {
    return (text ?? "")
        .split(/[,\n]/)
        .map((x) => x.trim())
        .filter((x) => x !== "");
}
