// One probe run as the extension sees it: the engine's run plus a RunRecord that is refreshed from the
// timeline while it runs (coalesced, so a 10-per-second metadata poll cannot flood the UI), the live
// text for the log channel, and stop. No `vscode` here: the shell decides how to show it.
import { randomUUID } from 'node:crypto';
import { ProbeError, userMessage } from '../probe/errors';
import type { Observation } from '../probe/model';
import type { ProbeOptions } from '../probe/options';
import { createLiveTextLog } from '../probe/report/liveText';
import { startProbe } from '../probe/runProbe';
import type { RunRecord, RunTarget } from './runRecord';

export interface ProbeSessionHooks {
  /** A fresh snapshot of the record (live or final). */
  onUpdate(record: RunRecord): void;
  /** One line of the live text log. */
  log(line: string): void;
}

/** How long observations are gathered before the record is rebuilt and shown. */
const REFRESH_MS = 150;

export class ProbeSession {
  readonly id = randomUUID();
  private readonly abort = new AbortController();
  private readonly startedAt = performance.now();
  private current: RunRecord;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** Settles with the final record; never rejects. */
  readonly done: Promise<RunRecord>;

  /**
   * Starts at once. A probe that cannot start (bad options, unreadable kubeconfig) settles `done` with a
   * `failed` record carrying the one-sentence reason.
   */
  constructor(
    options: ProbeOptions,
    target: RunTarget,
    private readonly hooks: ProbeSessionHooks,
  ) {
    this.current = { id: this.id, startedAt: new Date().toISOString(), status: 'running', target, report: null, elapsedMs: 0 };
    this.done = this.run(options);
  }

  get record(): RunRecord {
    return this.current;
  }

  get running(): boolean {
    return this.current.status === 'running';
  }

  /** Stops every request and watch of the run; `done` then settles with the report so far. */
  stop(): void {
    this.abort.abort(new Error('stopped by the user'));
  }

  private async run(options: ProbeOptions): Promise<RunRecord> {
    const live = createLiveTextLog((line) => this.hooks.log(line), { match: options.match });
    try {
      const handle = startProbe(options, {
        signal: this.abort.signal,
        onObservation: (o: Observation) => {
          live(o);
          this.noteAccess(o);
          this.scheduleRefresh(() => handle.snapshot());
        },
      });
      this.publish({ status: 'running' });
      const report = await handle.report;
      return this.finish({ status: 'done', report });
    } catch (e) {
      return this.finish({ status: 'failed', error: userMessage(e), errorCode: ProbeError.is(e) ? e.code : undefined });
    }
  }

  /** A broker that refuses the credentials is worth a button (Set RabbitMQ Credentials) when the run ends. */
  private noteAccess(o: Observation): void {
    if (o.kind !== 'broker.access' || o.access.state !== 'unavailable') return;
    if (/refused the credentials/.test(o.access.reason)) this.current = { ...this.current, brokerAuthRefused: o.access.reason };
  }

  private scheduleRefresh(snapshot: () => RunRecord['report']): void {
    if (this.refreshTimer || !this.running) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      if (this.running) this.publish({ report: snapshot() });
    }, REFRESH_MS);
  }

  private finish(change: Partial<RunRecord>): RunRecord {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.publish(change);
    return this.current;
  }

  private publish(change: Partial<RunRecord>): void {
    this.current = { ...this.current, ...change, elapsedMs: Math.round(performance.now() - this.startedAt) };
    this.hooks.onUpdate(this.current);
  }
}
