// The run's single record: observations appended in arrival order, with listeners for live views.
import type { Observation } from './model';

export class Timeline {
  private readonly items: Observation[] = [];
  private readonly listeners = new Set<(o: Observation) => void>();

  append(o: Observation): void {
    this.items.push(o);
    for (const listener of this.listeners) listener(o);
  }

  /** Calls `listener` for every later observation; returns the unsubscribe function. */
  subscribe(listener: (o: Observation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get observations(): readonly Observation[] {
    return this.items;
  }
}
