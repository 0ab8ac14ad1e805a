import { buildSync } from 'esbuild';

/**
 * Bundles a bench child into one JavaScript file (packages stay external), so that the
 * measured process runs no TypeScript compiler.
 */
export function bundleForNode(entryPoint: string, outfile: string): string {
  buildSync({
    entryPoints: [entryPoint],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return outfile;
}
