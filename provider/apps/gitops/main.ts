/**
 * Entry point of the repo's own Pulumi project (Pulumi.yaml: `main: dist/provider/apps/gitops/main.js`):
 * keeps Defender isolation in line with the incident files. Build first: `npm run build`.
 * The stack outputs are `incidents` and `deviceCount`.
 */
import * as pulumi from "@pulumi/pulumi";
import { incidentProgramFromConfig } from "./program";

// The engine runs this file in its own folder (dist/provider/apps/gitops); paths in config are relative to
// the project's root, the folder of Pulumi.yaml.
export = async () => {
    const result = await incidentProgramFromConfig(pulumi.runtime.allConfig(), pulumi.getProject(), pulumi.runtime.getRootDirectory() || undefined);
    return { incidents: result.incidents, deviceCount: result.deviceCount };
};
