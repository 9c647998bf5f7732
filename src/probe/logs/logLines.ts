// Reading log lines: their level, whether they belong to a traceback, whether they name the job. Pure,
// except for the traceback state a stream carries from one line to the next.
import type { LogLevel, LogReason } from '../model';

const LEVEL_WORD = /(?:^|[\s[\](|:"'=,])(CRITICAL|FATAL|ERROR|ERR|WARNING|WARN|INFO|DEBUG|TRACE)(?=$|[\s[\])|:"',])/;
const JSON_LEVEL = /"(?:level|severity|lvl|levelname)"\s*:\s*"(\w+)"/i;
const KLOG = /^([EWIF])\d{4} \d\d:\d\d:\d\d/;
const TRACEBACK_START = /Traceback \(most recent call last\):|^Exception in thread |^panic: /;
const TRACEBACK_LINK = /^(?:During handling of the above exception|The above exception was the direct cause|Caused by: |goroutine \d+ \[)/;
/** `KeyError: msg`, `grpc._channel._InactiveRpcError`, `KeyboardInterrupt`: an exception's (dotted) name, not a level word. */
const EXCEPTION_LINE = /^(?!(?:CRITICAL|FATAL|ERROR|ERR|WARNING|WARN|INFO|DEBUG|TRACE)\b)[A-Za-z_][\w.]*(?::|$)/;

function normalLevel(word: string): LogLevel | null {
  switch (word.toUpperCase()) {
    case 'CRITICAL':
    case 'FATAL':
    case 'ERROR':
    case 'ERR':
    case 'E':
    case 'F':
    case 'PANIC':
      return 'ERROR';
    case 'WARNING':
    case 'WARN':
    case 'W':
      return 'WARN';
    case 'INFO':
    case 'I':
      return 'INFO';
    case 'DEBUG':
    case 'TRACE':
      return 'DEBUG';
    default:
      return null;
  }
}

/**
 * The level a line states first (`INFO … ERROR` is INFO), from plain, klog or JSON logs; null when none.
 * A JSON entry's level field is its level wherever the field stands; in other lines a level field is one
 * more way to state a level, so a message that quotes one (`ERROR bad entry {"level":"info"}`) keeps the
 * level its format gave it.
 */
export function logLevelOf(text: string): LogLevel | null {
  const klog = KLOG.exec(text);
  if (klog) return normalLevel(klog[1]!);
  const json = JSON_LEVEL.exec(text);
  if (json && /^\s*\{/.test(text)) return normalLevel(json[1]!);
  const word = LEVEL_WORD.exec(text);
  const first = json && (!word || json.index < word.index) ? json[1]! : word?.[1];
  return first === undefined ? null : normalLevel(first);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether the text names the job id as a whole token: `grpc-job-19-5` and `job 19-5,` do for `19-5`;
 * `19-50`, `119-5` and `1-19-5` do not.
 */
export function jobIdPattern(jobId: string): RegExp {
  return new RegExp(`(?<![A-Za-z0-9])(?<![0-9]-)${escapeRegExp(jobId)}(?![A-Za-z0-9])`);
}

export interface LineShape {
  level: LogLevel | null;
  /** Part of a traceback / stack trace (its first line, the frames, the exception line). */
  traceback: boolean;
}

/** One stream's reader: call it for each line in order; it remembers whether a traceback is open. */
export function createLineReader(): (text: string) => LineShape {
  let inTraceback = false;
  return (text) => {
    if (TRACEBACK_START.test(text)) {
      inTraceback = true;
      return { level: logLevelOf(text) ?? 'ERROR', traceback: true };
    }
    if (inTraceback) {
      if (text === '' || /^\s/.test(text) || TRACEBACK_LINK.test(text)) return { level: null, traceback: true };
      // The first line that is not a frame is the exception itself (`KeyError: 'stream_port'`): it closes the
      // block, as an error whatever its message quotes (`KeyError: 'WARN'`).
      inTraceback = false;
      return { level: EXCEPTION_LINE.test(text) ? 'ERROR' : (logLevelOf(text) ?? 'ERROR'), traceback: true };
    }
    return { level: logLevelOf(text), traceback: false };
  };
}

/** Why a line is worth keeping, or null: traceback, then error/warning, then the job id. */
export function keepReason(shape: LineShape, mentionsJob: boolean): LogReason | null {
  if (shape.traceback) return 'traceback';
  if (shape.level === 'ERROR' || shape.level === 'WARN') return 'error';
  if (mentionsJob) return 'job-id';
  return null;
}

/** Lines of the same shape differ only in numbers (times, ids, counters): `GET /metadata/… 404` × 50. */
export function lineShapeKey(text: string): string {
  return text.replace(/\d+/g, '#');
}

/** Splits `2024-05-01T10:00:00.123456789Z text` (what `timestamps=true` adds) into time and text. */
export function splitTimestamp(line: string): { time: string | null; text: string } {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (.*)$/s.exec(line);
  if (!m) return { time: null, text: line };
  return { time: m[1]!, text: m[2]! };
}
