import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The viewer's own script and stylesheet, shipped beside this file (copied by the build). */
export interface Asset {
  body: string;
  contentType: string;
}

const FILES: Record<string, string> = {
  'viewer.js': 'text/javascript; charset=utf-8',
  'viewer.css': 'text/css; charset=utf-8',
};

/** Reads the assets once, at start; a missing file is a broken install and says so. */
export function loadAssets(directory = join(__dirname, 'assets')): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const [name, contentType] of Object.entries(FILES)) {
    try {
      assets.set(name, { body: readFileSync(join(directory, name), 'utf8'), contentType });
    } catch (error) {
      throw new Error(
        `the viewer asset ${name} is missing from ${directory} (${error instanceof Error ? error.message : String(error)}); reinstall the package or run "npm run build"`,
      );
    }
  }
  return assets;
}
