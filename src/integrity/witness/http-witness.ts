import type { Witness } from './witness';

/**
 * A witness behind HTTP(S): each signed checkpoint is POSTed as `text/plain` to the URL with
 * the stream in `?stream=`; `GET <url>?stream=S` answers the notes it holds for S, one after
 * another (blank lines between them allowed), or 404 when it has none.
 */
export class HttpWitness implements Witness {
  readonly url: string;

  constructor(
    private readonly endpoint: string,
    private readonly timeoutMs = 10_000,
  ) {
    const parsed = new URL(endpoint);
    parsed.username = '';
    parsed.password = '';
    this.url = parsed.toString();
  }

  async publish(stream: string, note: string): Promise<void> {
    const response = await fetch(this.withStream(stream), {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: note,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await response.arrayBuffer();
    if (!response.ok) {
      throw new Error(
        `witness ${this.url} answered ${response.status} to a checkpoint of "${stream}"`,
      );
    }
  }

  async checkpoints(stream: string): Promise<string[]> {
    const response = await fetch(this.withStream(stream), {
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    if (response.status === 404) return [];
    if (!response.ok) {
      throw new Error(`witness ${this.url} answered ${response.status} when asked for "${stream}"`);
    }
    return splitNotes(text);
  }

  private withStream(stream: string): string {
    const url = new URL(this.endpoint);
    url.searchParams.set('stream', stream);
    return url.toString();
  }
}

/** Notes written one after another: each ends with its signature lines ("— ..."). */
export function splitNotes(text: string): string[] {
  const notes: string[] = [];
  let current: string[] = [];
  let inSignatures = false;
  for (const line of text.split('\n')) {
    if (inSignatures && !line.startsWith('\u2014 ')) {
      notes.push(`${current.join('\n')}\n`);
      current = [];
      inSignatures = false;
      if (line === '') continue;
    }
    if (line === '' && current.length > 0) inSignatures = true;
    current.push(line);
  }
  if (inSignatures && current.length > 1) notes.push(`${current.join('\n')}\n`);
  return notes.filter((note) => note.trim().length > 0);
}
