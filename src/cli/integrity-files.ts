import { readFile } from 'node:fs/promises';
import { badInput } from './cli-error';

/** The text of a file a flag names; a missing or unreadable file is bad input. */
export async function readInputFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw badInput(`${what} "${path}" cannot be read (${code}); give the path of the file`);
  }
}

/** The chain key held by environment variable `name`; a missing one is bad input. */
export function chainKeyFromEnv(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const value = process.env[name];
  if (!value) {
    throw badInput(`--chain-key-env ${name}: the environment variable ${name} is not set or empty`);
  }
  return value;
}

/** JSON text as a value; bad input with the file name otherwise. */
export function parseJsonFile(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badInput(
      `"${path}" is not JSON; give a proof written by "otel-sequelize-audit prove" or "consistency"`,
    );
  }
}
