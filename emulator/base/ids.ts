import { createHash, randomBytes, randomUUID } from "crypto";

export function newGuid(): string {
    return randomUUID();
}

/** Opaque bearer token: 48 random bytes, base64url. Not a JWT: clients must not parse it. */
export function newOpaqueToken(): string {
    return randomBytes(48).toString("base64url");
}

/** A stable 40-hex machine id derived from a seed, the shape Defender uses for device ids. */
export function machineIdFromSeed(seed: string): string {
    return createHash("sha1").update(seed).digest("hex");
}

export const MACHINE_ID_PATTERN = /^[0-9a-f]{40}$/;
