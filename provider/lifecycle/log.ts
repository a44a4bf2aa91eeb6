/**
 * Progress lines from inside the provider process. The engine shows a dynamic provider's stderr
 * in the CLI output; stdout is reserved for the plugin handshake. Never pass secrets here.
 */
export type Logger = (message: string) => void;

export const stderrLogger: Logger = (message) => {
    process.stderr.write(`[pulumi-zego-aiagent] ${message}\n`);
};
