/** Types for the tests that build main.ts and the CLI exactly as `npm run build` does. */
import type { BuildOptions } from 'esbuild';

export const MAIN_BUILD: BuildOptions & { entryPoints: string[]; outfile: string };
export function buildCli(outfile?: string): Promise<unknown>;

/** Copies the shell-integration scripts into `electronDir`/shell-scripts, as the build lays them out. */
export function copyShellScripts(electronDir: string): void;
