import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCheckpoint } from '../checkpoint-note';
import type { Witness } from './witness';

/**
 * A witness directory (`file:///var/lib/audit-witness`), meant for WORM storage or a mount
 * the database administrator cannot write: one file per checkpoint,
 * `<stream>/<tree size>.checkpoint`, created once and never rewritten.
 */
export class DirectoryWitness implements Witness {
  readonly url: string;
  private readonly directory: string;

  constructor(url: string) {
    this.url = url;
    this.directory = url.startsWith('file:') ? fileURLToPath(url) : url;
  }

  async publish(stream: string, note: string): Promise<void> {
    const folder = join(this.directory, encodeURIComponent(stream));
    await mkdir(folder, { recursive: true });
    const size = readCheckpoint(note).size;
    try {
      await writeFile(join(folder, `${String(size).padStart(16, '0')}.checkpoint`), note, {
        flag: 'wx',
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }

  async checkpoints(stream: string): Promise<string[]> {
    const folder = join(this.directory, encodeURIComponent(stream));
    const names = await readdir(folder).catch(() => [] as string[]);
    const notes: string[] = [];
    for (const name of names.filter((n) => n.endsWith('.checkpoint'))) {
      notes.push(await readFile(join(folder, name), 'utf8'));
    }
    return notes;
  }

  async streams(): Promise<string[]> {
    const names = await readdir(this.directory).catch(() => [] as string[]);
    return names.map((name) => decodeURIComponent(name)).sort();
  }
}
