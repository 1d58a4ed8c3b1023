/**
 * Entry point of the repo's own Pulumi project (Pulumi.yaml: `main: dist/provider/gitops/main.js`):
 * keeps Defender isolation in line with the incident files. Build first: `npm run build`.
 */
import * as pulumi from "@pulumi/pulumi";
import { incidentProgramFromConfig } from "./program";

const result = incidentProgramFromConfig(pulumi.runtime.allConfig(), pulumi.getProject());

export const incidents = result.incidents;
export const deviceCount = result.deviceCount;
