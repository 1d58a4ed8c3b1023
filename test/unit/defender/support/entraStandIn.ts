/**
 * A minimal Entra ID stand-in over TLS on 127.0.0.1: the discovery document and the client-credentials
 * token endpoint, each token numbered. @azure/identity refuses plain http login hosts, so it serves a
 * fresh self-signed certificate that the test hands to a child process through NODE_EXTRA_CA_CERTS.
 */
import https from "node:https";
import type { AddressInfo } from "node:net";
import { generate } from "selfsigned";

export interface TokenRequest {
    path: string;
    form: Record<string, string>;
}

export interface EntraStandIn {
    /** https://127.0.0.1:<port> */
    readonly url: string;
    /** PEM of the self-signed certificate. */
    readonly certPem: string;
    /** Every request, as "METHOD /path". */
    readonly log: string[];
    readonly tokenRequests: TokenRequest[];
    close(): Promise<void>;
}

export async function startEntraStandIn(): Promise<EntraStandIn> {
    const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
        keySize: 2048,
        algorithm: "sha256",
        extensions: [
            { name: "basicConstraints", cA: true },
            { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
            { name: "extKeyUsage", serverAuth: true },
            { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
        ],
    });
    const log: string[] = [];
    const tokenRequests: TokenRequest[] = [];
    let base = "";
    const server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const path = (req.url ?? "/").split("?")[0];
            log.push(`${req.method} ${path}`);
            const json = (status: number, body: unknown) => {
                res.writeHead(status, { "Content-Type": "application/json" });
                res.end(JSON.stringify(body));
            };
            const discovery = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
            if (req.method === "GET" && discovery) {
                const tenant = discovery[1];
                return json(200, {
                    issuer: `${base}/${tenant}/v2.0`,
                    authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
                    token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
                    end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
                    jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
                    response_types_supported: ["code", "token"],
                    subject_types_supported: ["pairwise"],
                    id_token_signing_alg_values_supported: ["RS256"],
                });
            }
            if (req.method === "POST" && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(path)) {
                const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
                tokenRequests.push({ path, form });
                return json(200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: `entra-token-${tokenRequests.length}` });
            }
            return json(404, { error: "not_found", error_description: `no route for ${req.method} ${path}` });
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
        url: base,
        certPem: pems.cert,
        log,
        tokenRequests,
        close() {
            server.closeAllConnections();
            return new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}
