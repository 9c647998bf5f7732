// Finished runs survive reloads in globalState (the last HISTORY_LIMIT); typed so no call site spells
// the key. A running run is never stored: a reload ends it.
import type * as vscode from 'vscode';
import { HISTORY_LIMIT, trimHistory, type RunRecord } from './runRecord';

const KEY = 'consumerProbe.runs.v1';

export class RunHistory {
  constructor(private readonly state: vscode.Memento) {}

  load(): RunRecord[] {
    const stored = this.state.get<unknown>(KEY);
    return Array.isArray(stored) ? trimHistory(stored.filter(isRunRecord).filter((r) => r.status !== 'running')) : [];
  }

  async save(runs: readonly RunRecord[]): Promise<void> {
    await this.state.update(
      KEY,
      trimHistory(
        runs.filter((r) => r.status !== 'running'),
        HISTORY_LIMIT,
      ),
    );
  }
}

function isRunRecord(x: unknown): x is RunRecord {
  const r = x as RunRecord;
  return typeof r === 'object' && r !== null && typeof r.id === 'string' && typeof r.startedAt === 'string' && typeof r.target === 'object';
}
