// TLS material: a local CA kept in a directory (reused when present, so NODE_EXTRA_CA_CERTS can point at
// it before the emulator starts) and a fresh server certificate for localhost/127.0.0.1/::1 signed by it.
import { mkdir, readFile, rename, rm, stat, writeFile } from "fs/promises";
import { resolve, join } from "path";
import { generate } from "selfsigned";
import { createPrivateKey } from "crypto";

/** Where the CA lives unless told otherwise (relative to cwd). */
export const DEFAULT_TLS_DIR = ".state/emulator-tls";

export const CA_CERT_FILE = "ca.pem";
export const CA_KEY_FILE = "ca-key.pem";

const CA_SUBJECT = "pulumi-defender-isolation local emulator CA";
const LOCK_WAIT_MS = 15_000;
// CA generation takes milliseconds: an older lock was left by a killed process.
const LOCK_STALE_MS = 5_000;

export interface CaMaterial {
    caCertPath: string;
    cert: string;
    key: string;
}

export interface ServerTlsMaterial {
    cert: string;
    key: string;
    /** The CA file clients should trust, if known. */
    caCertPath: string | undefined;
}

async function exists(path: string): Promise<boolean> {
    try {
        await stat(path);
        return true;
    } catch {
        return false;
    }
}

/** A directory lock, so parallel first starts do not write two different CAs. */
async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
    const lock = join(dir, ".lock");
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
        try {
            await mkdir(lock);
            break;
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
            const age = await stat(lock).then(
                (s) => Date.now() - s.mtimeMs,
                () => 0,
            );
            if (age > LOCK_STALE_MS) await rm(lock, { recursive: true, force: true });
            else if (Date.now() > deadline)
                throw new Error(`TLS directory ${dir} stays locked (${lock}); remove that directory if no emulator is starting`, { cause: e });
            else await new Promise((r) => setTimeout(r, 50));
        }
    }
    try {
        return await fn();
    } finally {
        await rm(lock, { recursive: true, force: true });
    }
}

async function generateCa(): Promise<{ cert: string; key: string }> {
    const notBeforeDate = new Date(Date.now() - 3600_000);
    const notAfterDate = new Date(notBeforeDate.getTime() + 10 * 365 * 86_400_000);
    const pems = await generate([{ name: "commonName", value: CA_SUBJECT }], {
        keyType: "ec",
        algorithm: "sha256",
        notBeforeDate,
        notAfterDate,
        extensions: [
            { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
            { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
        ],
    });
    return { cert: pems.cert, key: pems.private };
}

/** Loads the CA in `dir` (relative to cwd), creating it when `ca.pem` or `ca-key.pem` is missing. */
export async function loadOrCreateCa(dir: string = DEFAULT_TLS_DIR): Promise<CaMaterial> {
    const abs = resolve(dir);
    const certPath = join(abs, CA_CERT_FILE);
    const keyPath = join(abs, CA_KEY_FILE);
    await mkdir(abs, { recursive: true });
    return withLock(abs, async () => {
        if ((await exists(certPath)) && (await exists(keyPath))) {
            return { caCertPath: certPath, cert: await readFile(certPath, "utf8"), key: await readFile(keyPath, "utf8") };
        }
        const ca = await generateCa();
        // Write then rename, key before cert: a reader never sees a cert without its key.
        await writeFile(`${keyPath}.tmp`, ca.key, { mode: 0o600 });
        await rename(`${keyPath}.tmp`, keyPath);
        await writeFile(`${certPath}.tmp`, ca.cert, { mode: 0o644 });
        await rename(`${certPath}.tmp`, certPath);
        return { caCertPath: certPath, cert: ca.cert, key: ca.key };
    });
}

/** Creates the CA in `dir` if missing; answers the absolute path of `ca.pem`. */
export async function ensureCa(dir: string = DEFAULT_TLS_DIR): Promise<{ caCertPath: string }> {
    const ca = await loadOrCreateCa(dir);
    return { caCertPath: ca.caCertPath };
}

async function issueServerCertificate(ca: CaMaterial): Promise<{ cert: string; key: string }> {
    const notBeforeDate = new Date(Date.now() - 3600_000);
    // Same key type as the CA: selfsigned imports the CA key as the server's key type.
    const keyType = createPrivateKey(ca.key).asymmetricKeyType === "rsa" ? "rsa" : "ec";
    const pems = await generate([{ name: "commonName", value: "localhost" }], {
        keyType,
        algorithm: "sha256",
        notBeforeDate,
        notAfterDate: new Date(notBeforeDate.getTime() + 365 * 86_400_000),
        ca: { cert: ca.cert, key: ca.key },
        extensions: [
            { name: "basicConstraints", cA: false, critical: true },
            { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
            { name: "extKeyUsage", serverAuth: true },
            {
                name: "subjectAltName",
                altNames: [
                    { type: 2, value: "localhost" },
                    { type: 7, ip: "127.0.0.1" },
                    { type: 7, ip: "::1" },
                ],
            },
        ],
    });
    return { cert: pems.cert, key: pems.private };
}

/** The given certificate files, read for serving. */
export async function tlsMaterialFromFiles(files: { certFile: string; keyFile: string; caFile?: string }): Promise<ServerTlsMaterial> {
    return {
        cert: await readFile(files.certFile, "utf8"),
        key: await readFile(files.keyFile, "utf8"),
        caCertPath: files.caFile !== undefined ? resolve(files.caFile) : undefined,
    };
}

/** A fresh server certificate signed by the CA in `dir` (created there if missing). */
export async function tlsMaterialFromCa(dir: string): Promise<ServerTlsMaterial> {
    const ca = await loadOrCreateCa(dir);
    const server = await issueServerCertificate(ca);
    // Serve the chain so clients that trust only the CA can build it.
    return { cert: `${server.cert.trim()}\n${ca.cert.trim()}\n`, key: server.key, caCertPath: ca.caCertPath };
}
