import { readFileSync } from 'node:fs';

/** A fenced code block of a Markdown file. */
export interface CodeBlock {
  /** The fence's info string, e.g. `ts`, `js`, `sh`. */
  lang: string;
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The heading the block sits under. */
  heading: string;
  /** Marked `<!-- readme-test: skip -->` on the line before the fence: shown, not run. */
  skipped: boolean;
}

/** The marker, on the line before a fence, of a block that is a fragment and not run. */
export const SKIP_MARKER = '<!-- readme-test: skip -->';

export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  let heading = '';
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '');
    const fence = /^```(\S*)/.exec(line);
    if (!fence) continue;
    const start = index;
    const body: string[] = [];
    for (index++; index < lines.length && !lines[index].startsWith('```'); index++) {
      body.push(lines[index]);
    }
    let previous = start - 1;
    while (previous >= 0 && lines[previous].trim() === '') previous--;
    blocks.push({
      lang: fence[1],
      code: `${body.join('\n')}\n`,
      line: start + 1,
      heading,
      skipped: previous >= 0 && lines[previous].trim() === SKIP_MARKER,
    });
  }
  return blocks;
}
