/**
 * `npm run schema`: writes `schema.json`, the native provider's package schema, from the one module
 * that builds it (provider/apps/plugin/schema.ts). `--check` writes nothing and exits 1 when the file
 * differs from what the module builds.
 */
import * as fs from "fs";
import * as path from "path";
import { schemaText } from "../provider/apps/plugin/schema";
import { REPO_ROOT } from "../testkit/paths";

export const SCHEMA_FILE = path.join(REPO_ROOT, "schema.json");

export function expectedSchema(): string {
    const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
    return schemaText(version);
}

if (require.main === module) {
    const expected = expectedSchema();
    if (process.argv.includes("--check")) {
        const current = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, "utf8") : "";
        if (current !== expected) {
            process.stderr.write("schema.json is not what provider/apps/plugin/schema.ts builds: run npm run schema and commit it\n");
            process.exit(1);
        }
    } else {
        fs.writeFileSync(SCHEMA_FILE, expected);
        process.stdout.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE) || SCHEMA_FILE}\n`);
    }
}
