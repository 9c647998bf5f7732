// Kubernetes events about one object, as the cause rules quote them: the reason and the message exactly
// as the scheduler, kubelet, autoscaler or controller wrote it, and how often it was seen.
import type { Analysis } from '../analysis';
import type { ReportEvent } from '../model';

export interface SeenEvent {
  event: ReportEvent;
  /** How many times this reason and message were observed (a repeated event arrives again with a higher count). */
  seen: number;
}

export function eventsAbout(a: Analysis, objectName: string, reasons?: readonly string[]): ReportEvent[] {
  return a.events.filter((e) => e.object.endsWith(`/${objectName}`) && (!reasons || reasons.includes(e.reason)));
}

/** The newest event about the object with one of the reasons (and, when given, a message that fits). */
export function lastEvent(
  a: Analysis,
  objectName: string,
  reasons: readonly string[],
  fits: (message: string) => boolean = () => true,
): SeenEvent | null {
  const found = eventsAbout(a, objectName, reasons).filter((e) => fits(e.message));
  const event = found[found.length - 1];
  if (!event) return null;
  return { event, seen: found.filter((e) => e.reason === event.reason && e.message === event.message).length };
}

/** `FailedScheduling: 0/3 nodes are available: … (seen 3×)`: the message verbatim. */
export function eventLine(found: SeenEvent | null): string {
  if (!found) return '';
  const { event, seen } = found;
  return `${event.reason}: ${event.message}${seen > 1 ? ` (seen ${seen}×)` : ''}`;
}
