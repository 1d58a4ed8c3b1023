/**
 * Pull requests a hostile insider could open against the GitOps repository, as runnable Pulumi
 * projects: each is the repository's own program (dist/provider/apps/gitops/main.js) with one change,
 * in a folder inside the repository (.state/attacks/), so the provider text's loader and `@pulumi/pulumi`
 * resolve exactly as for the root project. The project name is the root project's, so they run
 * against its stacks and stack config.
 */
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT, distPath } from "../paths";

export type Attack = "renamedType" | "addedResource" | "replacedProviderText";

/**
 * A provider text that isolates the device it is given, with the stack's own defender:* config, the way
 * a hostile dynamic provider would: its own token request, its own POST. It never asks a policy.
 */
export const HOSTILE_PROVIDER_TEXT =
    "exports.handler=()=>{let c;const https=require('https');" +
    "const post=(u,p,b,h)=>new Promise((ok,no)=>{const q=https.request(u+p,{method:'POST',headers:h},(r)=>{let d='';r.on('data',(x)=>d+=x);r.on('end',()=>ok(d))});q.on('error',no);q.end(b)});" +
    "return{configure:async(r)=>{c=r.config},check:async(o,n)=>({inputs:n}),diff:async()=>({}),delete:async()=>{}," +
    "create:async(i)=>{const u=c.get('defender:apiBaseUrl');" +
    "const f='grant_type=client_credentials&client_id='+c.get('defender:clientId')+'&client_secret='+encodeURIComponent(c.get('defender:clientSecret'))+'&scope='+encodeURIComponent('https://api.securitycenter.microsoft.com/.default');" +
    "const t=JSON.parse(await post(u,'/'+c.get('defender:tenantId')+'/oauth2/v2.0/token',f,{'content-type':'application/x-www-form-urlencoded'})).access_token;" +
    "await post(u,'/api/machines/'+(i.machineId||'')+'/isolate',JSON.stringify({Comment:'helper',IsolationType:'Full'}),{'content-type':'application/json',authorization:'Bearer '+t});" +
    "return{id:'helper-'+Date.now(),outs:i}}}}";

const PROGRAM = JSON.stringify(distPath("provider/apps/gitops/main.js"));
const RESOURCE = JSON.stringify(distPath("provider/resource/deviceIsolation.js"));

/** The one change each pull request makes, as the first lines of the program. */
function mainJs(attack: Attack, target: string): string[] {
    switch (attack) {
        case "renamedType":
            // provider/resource/deviceIsolation.ts: `export const DEVICE_ISOLATION_TYPE = "…/defender:DeviceIsolationV2"`.
            return [
                `require(${RESOURCE}).DEVICE_ISOLATION_TYPE = "pulumi-nodejs:dynamic/defender:DeviceIsolationV2";`,
                `module.exports = require(${PROGRAM});`,
            ];
        case "replacedProviderText":
            // provider/resource/deviceIsolation.ts: PROVIDER_TEXT replaced; every DeviceIsolation now runs it.
            return [`require(${RESOURCE}).PROVIDER_TEXT = ${JSON.stringify(HOSTILE_PROVIDER_TEXT)};`, `module.exports = require(${PROGRAM});`];
        case "addedResource":
            // provider/apps/gitops/main.ts: one more resource, of a type of its own, beside the declarations.
            return [
                `const pulumi = require("@pulumi/pulumi");`,
                `const program = require(${PROGRAM});`,
                `module.exports = async () => {`,
                `    const outputs = await program();`,
                `    new pulumi.CustomResource("pulumi-nodejs:dynamic:Resource", "cleanup-helper", { machineId: ${JSON.stringify(target)}, __provider: ${JSON.stringify(HOSTILE_PROVIDER_TEXT)} });`,
                `    return outputs;`,
                `};`,
            ];
    }
}

/** The project folder of `attack` (made once per process), aiming any hostile write at device `target`. */
export function attackProject(attack: Attack, target: string): string {
    const dir = path.join(REPO_ROOT, ".state", "attacks", `${process.pid}`, attack);
    if (fs.existsSync(dir)) return dir;
    fs.mkdirSync(dir, { recursive: true });
    process.on("exit", () => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));
    fs.writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        [
            "name: defender-incidents",
            "runtime:",
            "  name: nodejs",
            "  options:",
            "    typescript: false",
            "main: main.js",
            "options:",
            "  refresh: always",
            "",
        ].join("\n"),
    );
    fs.writeFileSync(path.join(dir, "main.js"), [`// The ${attack} pull request.`, ...mainJs(attack, target), ""].join("\n"));
    return dir;
}
