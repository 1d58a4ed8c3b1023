/** The command's one error type: a message for the user and the exit code it ends with. */

/** 0 done, 1 Defender (or the Pulumi CLI) failed, 2 bad usage: flags, settings, incident files, setup. */
export type ExitCode = 0 | 1 | 2;

export const EXIT_OK: ExitCode = 0;
export const EXIT_FAILED: ExitCode = 1;
export const EXIT_USAGE: ExitCode = 2;

export class CommandError extends Error {
    constructor(
        message: string,
        readonly exitCode: ExitCode,
    ) {
        super(message);
        this.name = "CommandError";
    }
}
