// Isolates one device, found by its DNS name. Remove the resource (or run `pulumi destroy`) to release it.
// Every value can be changed with `pulumi config set <key> <value>` (e.g. isolationType Selective).
import * as pulumi from "@pulumi/pulumi";
import { DeviceIsolation, type IsolationType } from "pulumi-defender-isolation";

const config = new pulumi.Config();

const laptop = new DeviceIsolation("fin-lt-042", {
    computerDnsName: config.get("computerDnsName") ?? "fin-lt-042.contoso.com",
    comment: config.get("comment") ?? "INC-2031 Cobalt Strike beacon on finance laptops",
    isolationType: (config.get("isolationType") ?? "Full") as IsolationType,
    releaseComment: "Released by Pulumi: incident INC-2031 closed",
});

export const machineId = laptop.machineId;
export const status = laptop.status;
export const machineActionId = laptop.machineActionId;
