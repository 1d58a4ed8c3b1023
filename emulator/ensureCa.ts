// `node dist/emulator/ensureCa.js [dir]`: creates the emulator CA if missing and prints the CA file path,
// so `NODE_EXTRA_CA_CERTS` can name it before any process starts the emulator.
import { DEFAULT_TLS_DIR, ensureCa } from "./http/tls";

if (require.main === module) {
    ensureCa(process.argv[2] ?? DEFAULT_TLS_DIR).then(
        ({ caCertPath }) => {
            process.stdout.write(`${caCertPath}\n`);
        },
        (e: unknown) => {
            process.stderr.write(`ensureCa failed: ${(e as Error).message}\n`);
            process.exitCode = 1;
        },
    );
}
