/** One server-sent event. */
export interface ServerEvent {
  event: string;
  data: string;
}

/** Reads server-sent events from a streaming fetch response, one at a time. */
export function readEvents(response: Response): { next(): Promise<ServerEvent> } {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return {
    async next() {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: ServerEvent = { event: 'message', data: '' };
          let dataLines: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event.event = line.slice(6).trim();
            if (line.startsWith('data:')) dataLines.push(line.slice(5).trimStart());
          }
          if (dataLines.length === 0 && event.event === 'message') continue; // a comment
          event.data = dataLines.join('\n');
          dataLines = [];
          return event;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the event stream ended');
        buffer += value;
      }
    },
  };
}
