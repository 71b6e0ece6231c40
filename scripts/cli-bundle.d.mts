/** Types for bin/linger.mjs and the build: where the CLI's bundle lives. */
export const CLI_BUNDLE: string;
