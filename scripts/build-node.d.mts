/** Types for electron/__tests__/main.test.ts, which builds main.ts exactly as `npm run build` does. */
import type { BuildOptions } from 'esbuild';

export const MAIN_BUILD: BuildOptions & { entryPoints: string[]; outfile: string };
