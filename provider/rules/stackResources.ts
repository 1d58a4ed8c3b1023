/**
 * What a stack's resources are, judged by what they do rather than what they call themselves.
 *
 * A DeviceIsolation is a dynamic resource: the engine hands its inputs, `__provider` included, to the
 * dynamic-provider host, which runs the code that text holds. The type token is a name the program
 * chooses (one line of provider/resource/deviceIsolation.ts): a program that registers the same inputs
 * and provider text under another type isolates just the same. So a declaration is recognised by its
 * provider text or by its inputs, whatever its type says, and every dynamic resource must run this
 * package's loader and nothing else.
 *
 * What a policy sees: CrossGuard's validations get a resource's type and its inputs without the
 * internal ones (the engine strips `__provider`); only remediations see `__provider`. So validations
 * find a renamed declaration by its type's package (`pulumi-nodejs`) and its inputs, and the provider
 * text is judged by the remediation-run isolation-provider-text.
 *
 * Self-contained like the rest of this folder: the loader text is a copy of PROVIDER_TEXT in
 * provider/resource/deviceIsolation.ts, and a unit test keeps the two equal.
 */
import { isDeviceIsolationType, type IsolationDeclaration } from "./declaration";

/** The provider text every DeviceIsolation carries: this package's loader (see provider/resource/deviceIsolation.ts). */
export const ISOLATION_PROVIDER_TEXT =
    "exports.handler=()=>{" +
    "const p=require('path'),n='pulumi-defender-isolation',m='/dist/provider/lifecycle/index.js';" +
    "try{return require(n+m)}catch(e){if(e.code!=='MODULE_NOT_FOUND')throw e}" +
    "for(let d=process.cwd();;d=p.dirname(d)){let j;try{j=require(d+'/package.json').name}catch{}" +
    "if(j===n)return require(d+m);" +
    "if(p.dirname(d)===d)throw new Error(n+' is not installed where this Pulumi program runs ('+process.cwd()+'); see its README, Install')}}";

/** The package of Pulumi's dynamic resources: its resources run the code of their `__provider` input. */
export const DYNAMIC_PACKAGE = "pulumi-nodejs";

/** A resource as a policy sees it: its type token and its inputs. */
export interface StackResource {
    type: string;
    props: Record<string, unknown>;
}

/** The dynamic-provider text a resource carries, or undefined when it carries none. */
export function providerText(r: StackResource): unknown {
    return r.props.__provider;
}

/** A resource the dynamic-provider host runs: of the dynamic package, or carrying a provider text. */
export function isDynamic(r: StackResource): boolean {
    return r.type.split(":")[0] === DYNAMIC_PACKAGE || "__provider" in r.props;
}

/** The loader's shape: it names this package and loads its lifecycle, whatever else was edited. */
function looksLikeOurLoader(text: unknown): boolean {
    return typeof text === "string" && text.includes("pulumi-defender-isolation") && text.includes("lifecycle");
}

const DECLARATION_INPUTS = ["machineId", "computerDnsName"] as const;

/**
 * True when the resource declares a device isolation: the DeviceIsolation type, this package's provider
 * text (exactly, or by its shape), or a dynamic resource with a declaration's inputs (a device and a
 * comment). Every guardrail of a declaration applies to it, whatever its type token.
 */
export function isIsolationDeclaration(r: StackResource): boolean {
    if (isDeviceIsolationType(r.type)) return true;
    const text = providerText(r);
    if (text === ISOLATION_PROVIDER_TEXT || looksLikeOurLoader(text)) return true;
    return isDynamic(r) && DECLARATION_INPUTS.some((k) => r.props[k] !== undefined) && r.props.comment !== undefined;
}

/** The isolation declarations among a stack's resources, as the guardrails read them. */
export function isolationDeclarations(resources: readonly StackResource[]): IsolationDeclaration[] {
    return resources.filter(isIsolationDeclaration).map((r) => r.props as IsolationDeclaration);
}
