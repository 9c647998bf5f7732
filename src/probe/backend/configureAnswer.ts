// What a successful (2xx) `POST /configure` answer says: the job id, or why it names none. A whole body
// is parsed as JSON; a body cut at the read cap (cappedBody.ts) cannot be, so its top level is walked
// for the field instead (topLevelField.ts): the job id is near the top of a real answer.
import type { ConfigureFailure } from '../model';
import { oneLine } from '../text';
import { findTopLevelField } from './topLevelField';

export type JobIdReading =
  | { jobId: string; error: null; failure: null }
  | { jobId: null; error: string; failure: Extract<ConfigureFailure, 'not_json' | 'no_job_id'> };

/** `body` is the answer's text; `cut` when only its first `readBytes` bytes were read. */
export function readJobId(body: string, field: string, cut: { readBytes: number } | null): JobIdReading {
  return cut ? fromCutBody(body, field, cut.readBytes) : fromWholeBody(body, field);
}

function fromWholeBody(body: string, field: string): JobIdReading {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return notJson(body);
  }
  const value = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>)[field] : undefined;
  const id = jobIdOf(value);
  if (id !== null) return { jobId: id, error: null, failure: null };
  const keys = parsed && typeof parsed === 'object' ? Object.keys(parsed).join(', ') : typeof parsed;
  return noJobId(`response has no "${field}"`, keys);
}

function fromCutBody(body: string, field: string, readBytes: number): JobIdReading {
  const found = findTopLevelField(body, field);
  switch (found.kind) {
    case 'not_object':
      return notJson(body);
    case 'found': {
      const id = jobIdOf(found.value);
      return id !== null ? { jobId: id, error: null, failure: null } : noJobId(`response has no "${field}"`, field);
    }
    case 'absent':
      return noJobId(`response has no "${field}" in its first ${sizeText(readBytes)}`, found.keys.join(', '));
  }
}

/** A job id as the backend may send it: a non-empty string (trimmed) or a number. */
function jobIdOf(value: unknown): string | null {
  if (typeof value === 'string' && value.trim()) return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function notJson(body: string): JobIdReading {
  return { jobId: null, error: `response is not JSON: ${oneLine(body.slice(0, 1000), 120) || '(empty body)'}`, failure: 'not_json' };
}

function noJobId(what: string, keys: string): JobIdReading {
  return { jobId: null, error: `${what} (got: ${oneLine(keys, 120) || 'nothing'})`, failure: 'no_job_id' };
}

/** 4194304 → "4 MiB"; smaller caps (tests) in KiB or bytes. */
function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
