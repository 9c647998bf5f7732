// The long-lived responses (watches, log follows) the server has open, so tests can end them on purpose
// and stop() can end them all: an open response is an open socket, and a leaked socket hangs node:test.

export type StreamType = 'watch' | 'follow';

export interface OpenStream {
  readonly type: StreamType;
  /** Ends the response cleanly (the client sees the stream end, as when a real watch times out). */
  close(): void;
}

export class OpenStreams {
  private readonly streams = new Set<OpenStream>();

  add(stream: OpenStream): () => void {
    this.streams.add(stream);
    return () => {
      this.streams.delete(stream);
    };
  }

  count(type: StreamType): number {
    return this.of(type).length;
  }

  of(type?: StreamType): OpenStream[] {
    return [...this.streams].filter((s) => type === undefined || s.type === type);
  }

  /** Closes the streams of one type (or all) and returns how many were open. */
  closeAll(type?: StreamType): number {
    const closing = this.of(type);
    for (const stream of closing) stream.close();
    return closing.length;
  }
}
