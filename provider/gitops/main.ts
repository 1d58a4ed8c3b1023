/**
 * Entry point of the repo's own Pulumi project (Pulumi.yaml: `main: dist/provider/gitops/main.js`):
 * keeps Defender isolation in line with the incident files. Build first: `npm run build`.
 * The stack outputs are `incidents` and `deviceCount`.
 */
import * as pulumi from "@pulumi/pulumi";
import { incidentProgramFromConfig } from "./program";

export = async () => {
    const result = await incidentProgramFromConfig(pulumi.runtime.allConfig(), pulumi.getProject());
    return { incidents: result.incidents, deviceCount: result.deviceCount };
};
