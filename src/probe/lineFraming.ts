// Splitting a byte stream from a peer (a watch, a pod log) into lines without trusting the peer to send
// newlines. A line is held up to a cap of bytes; a longer one is not kept: it is reported as too long,
// with its size and at most its first `headBytes` bytes, and the rest of it is counted and dropped up
// to the next newline. So one line costs at most the cap in memory, whatever the peer sends.
//
// Lines end at "\n" or "\r\n" (a lone "\r" is text). Each line is decoded as UTF-8 once it is whole, so
// a character or a "\r\n" split across chunks reads as if it were not; bytes that are not UTF-8 become
// U+FFFD, as with readline. A last line without a newline is yielded when the stream ends.
import { StringDecoder } from 'node:string_decoder';

export type FramedLine =
  | { tooLong: false; text: string }
  /** A line over the cap: its size in bytes (without the line end) and its first whole characters within `headBytes`. */
  | { tooLong: true; bytes: number; head: string };

export interface LineFramingOptions {
  /** The longest line kept, in bytes, without its line end. */
  maxLineBytes: number;
  /** How many leading bytes of a longer line to keep as its `head` (0 by default, at most maxLineBytes). */
  headBytes?: number;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * The framing as a push parser: feed it chunks, get the lines they complete. It holds at most
 * `maxLineBytes + 1` bytes between calls (the +1 is a "\r" that may turn out to end the line).
 */
export class LineSplitter {
  private readonly max: number;
  private readonly headMax: number;
  /** The current line's bytes while it is within the cap (copies: no chunk is kept alive by a view into it). */
  private parts: Buffer[] = [];
  private held = 0;
  /** Once the line passed the cap: its first bytes, and how many bytes it has so far. */
  private over: { head: Buffer; bytes: number } | null = null;
  /** The line's last byte (to tell its "\r\n" end), -1 while it is empty. */
  private last = -1;

  constructor(opts: LineFramingOptions) {
    if (!(Number.isInteger(opts.maxLineBytes) && opts.maxLineBytes >= 0)) throw new RangeError('maxLineBytes must be an integer ≥ 0');
    this.max = opts.maxLineBytes;
    this.headMax = Math.min(Math.max(0, opts.headBytes ?? 0), this.max);
  }

  /** Bytes of the current, unfinished line held now: at most maxLineBytes + 1. */
  get heldBytes(): number {
    return this.over ? this.over.head.length : this.held;
  }

  push(chunk: Uint8Array): FramedLine[] {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const out: FramedLine[] = [];
    let start = 0;
    while (start < bytes.length) {
      const nl = bytes.indexOf(LF, start);
      const end = nl === -1 ? bytes.length : nl;
      this.append(bytes.subarray(start, end));
      if (nl === -1) break;
      out.push(this.finish(true));
      start = nl + 1;
    }
    return out;
  }

  /** The stream ended: its last line, when it had one without a newline. */
  end(): FramedLine[] {
    return this.last === -1 && !this.over ? [] : [this.finish(false)];
  }

  private append(segment: Buffer): void {
    if (segment.length === 0) return;
    this.last = segment[segment.length - 1]!;
    if (this.over) {
      this.over.bytes += segment.length;
      return;
    }
    // maxLineBytes + 1: the extra byte may be the "\r" of a "\r\n", which is no part of the line.
    if (this.held + segment.length <= this.max + 1) {
      this.parts.push(Buffer.from(segment));
      this.held += segment.length;
      return;
    }
    const head = Buffer.concat([...this.parts, segment.subarray(0, Math.max(0, this.headMax - this.held))]).subarray(0, this.headMax);
    this.over = { head: Buffer.from(head), bytes: this.held + segment.length };
    this.parts = [];
    this.held = 0;
  }

  private finish(byNewline: boolean): FramedLine {
    const cr = byNewline && this.last === CR ? 1 : 0;
    let line: FramedLine;
    if (this.over) {
      line = { tooLong: true, bytes: this.over.bytes - cr, head: new StringDecoder('utf8').write(this.over.head) };
    } else {
      const whole = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
      const size = this.held - cr;
      line =
        size > this.max
          ? { tooLong: true, bytes: size, head: new StringDecoder('utf8').write(whole.subarray(0, this.headMax)) }
          : { tooLong: false, text: whole.toString('utf8', 0, size) };
    }
    this.parts = [];
    this.held = 0;
    this.over = null;
    this.last = -1;
    return line;
  }
}

/**
 * The lines of a stream, as they complete. Stopping early (break, return, a throw in the loop) ends the
 * iteration of the stream, which destroys a Readable; an error of the stream is thrown here.
 */
export async function* readLines(
  stream: AsyncIterable<Uint8Array | string>,
  opts: LineFramingOptions,
): AsyncGenerator<FramedLine, void, undefined> {
  const splitter = new LineSplitter(opts);
  for await (const chunk of stream) yield* splitter.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  yield* splitter.end();
}
