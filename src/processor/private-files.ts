import { chmod, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** Mode of every spool and quarantine file: read and write for the owner only. */
export const FILE_MODE = 0o600;
/** Mode of the spool directory: the owner only. */
export const DIRECTORY_MODE = 0o700;

/**
 * Creates `directory` (and its parents) private to the user, and makes it private when it
 * exists with wider rights, since the journals hold audit records in clear.
 */
export async function makePrivateDirectory(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true, mode: DIRECTORY_MODE });
  await chmod(directory, DIRECTORY_MODE);
}

/**
 * Where spools live unless told: `$XDG_STATE_HOME/otel-sequelize-audit/spool`,
 * else `~/.local/state/otel-sequelize-audit/spool` (state that survives a reboot, per the XDG
 * base directory spec), else `.otel-sequelize-audit/spool` in the working directory when the
 * process has no home. Never the OS temp directory, which a reboot may empty.
 */
export function defaultSpoolRoot(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME;
  if (state && isAbsolute(state)) return join(state, 'otel-sequelize-audit', 'spool');
  let home = '';
  try {
    home = homedir();
  } catch {
    // no home directory (a user without an entry in passwd)
  }
  if (home && home !== '/') return join(home, '.local', 'state', 'otel-sequelize-audit', 'spool');
  return resolve('.otel-sequelize-audit', 'spool');
}
