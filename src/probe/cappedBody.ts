// Reads an HTTP response body up to a cap. A peer may answer with far more than the probe needs (a
// 50 MB configure answer, a huge queue list): reading it all would cost hundreds of MB and block the
// event loop while the watches wait, and what matters (the job id, an error line) is near the top.
// Past the cap the rest is not read: the body is destroyed, which makes undici close the connection
// (a half-read response leaves it unusable for the next request).
import type { Readable } from 'node:stream';

/** What every HTTP answer the engine reads may hold before it is cut: plenty for a job id, a queue page or an error text. */
export const BODY_CAP_BYTES = 4 * 1024 * 1024;

export interface CappedBody {
  /** The body (its first `readBytes` bytes when cut), as UTF-8. */
  text: string;
  /** The bytes `text` holds. */
  readBytes: number;
  /** More followed and was not read. */
  cut: boolean;
}

/**
 * The body's first `capBytes` bytes, and whether more followed. Rejects as the stream does (undici
 * destroys it when the request's signal aborts, so a deadline on the request bounds this too).
 */
export async function readCappedBody(body: Readable, capBytes = BODY_CAP_BYTES): Promise<CappedBody> {
  const chunks: Buffer[] = [];
  let kept = 0;
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const room = capBytes - kept;
    if (bytes.length > room) {
      chunks.push(bytes.subarray(0, room));
      kept += room;
      body.destroy();
      return { text: Buffer.concat(chunks).toString('utf8'), readBytes: kept, cut: true };
    }
    chunks.push(bytes);
    kept += bytes.length;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), readBytes: kept, cut: false };
}
