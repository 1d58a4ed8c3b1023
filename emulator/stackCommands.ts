// What `npm run emulator` prints under its start line: the exact commands that point a Pulumi stack at it.
// Pure, so it is tested without starting a process.

/** Accepted by the emulator without --clients (any tenant, client id and secret are). */
export const QUICK_START_CREDENTIALS = {
    tenantId: "00000000-0000-0000-0000-000000000001",
    clientId: "7d3f4c2a-9b1e-4f6d-8a2c-5e0b1d9c3f47",
    clientSecret: "emulator-accepts-any-secret",
} as const;

/** Encrypts the local stack's secrets; a local emulator's stack only. */
export const QUICK_START_PASSPHRASE = "emulator-only-not-a-secret";

export interface StackCommandsInput {
    url: string;
    /** Absolute path of the CA to trust; absent over plain HTTP. */
    caCertPath?: string;
    /** The registered credentials when --clients is given (the first one is used); null accepts any. */
    clients?: readonly { tenantId: string; clientId: string }[] | null;
}

/** Single-quoted for a POSIX shell. */
function quote(value: string): string {
    return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function stackCommands(o: StackCommandsInput): string {
    const client = o.clients && o.clients.length > 0 ? o.clients[0] : undefined;
    const tenantId = client?.tenantId ?? QUICK_START_CREDENTIALS.tenantId;
    const clientId = client?.clientId ?? QUICK_START_CREDENTIALS.clientId;
    const secret = client ? "<its clientSecret from the --clients file>" : QUICK_START_CREDENTIALS.clientSecret;
    const lines = [
        "",
        "Point a Pulumi stack at it: in your program's folder, in this shell (a local state folder, no Pulumi Cloud login):",
        "",
        `  mkdir -p .pulumi-local && export PULUMI_BACKEND_URL="file://$PWD/.pulumi-local"`,
        `  export PULUMI_CONFIG_PASSPHRASE=${QUICK_START_PASSPHRASE}`,
        ...(o.caCertPath ? [`  export NODE_EXTRA_CA_CERTS=${quote(o.caCertPath)}`] : []),
        "  pulumi stack init emulator",
        `  pulumi config set defender:apiBaseUrl ${quote(o.url)}`,
        `  pulumi config set defender:authorityHost ${quote(o.url)}`,
        `  pulumi config set defender:tenantId ${quote(tenantId)}`,
        `  pulumi config set defender:clientId ${quote(clientId)}`,
        `  pulumi config set --secret defender:clientSecret ${client ? secret : quote(secret)}`,
        "  pulumi preview    # then: pulumi up, pulumi destroy",
        "",
        o.caCertPath
            ? "NODE_EXTRA_CA_CERTS is read when a process starts: export it before 'pulumi' runs, in the same shell. The CA stays valid across restarts of the emulator."
            : "Over plain HTTP the provider's sign-in is refused (@azure/identity needs https): leave out --http.",
        "",
    ];
    return lines.join("\n");
}
