// The "Probe Runs" view: maps the pure tree model to TreeItems and tells VS Code what changed, in a
// way it can follow. VS Code debounces a provider's change events (200 ms) before it redraws, so a run
// that sends a snapshot every 150 ms would only be redrawn when it pauses. Here every node object is kept
// for as long as its id lives, a change event names only the nodes whose look changed, and events are at
// least REFRESH_MS apart. The running run's clock ticks once a second even when nothing else changes.
import * as vscode from 'vscode';
import type { RunRecord } from '../runRecord';
import { buildRunTree, type TreeNodeModel } from './runTreeModel';

/** Change events are at least this far apart: slower than VS Code's 200 ms debounce, so each one lands. */
export const REFRESH_MS = 250;

/** A running run's elapsed time as of a moment of this process's monotonic clock. */
interface RunClock {
  elapsedMs: number;
  atMs: number;
}

export class RunTreeProvider implements vscode.TreeDataProvider<TreeNodeModel>, vscode.Disposable {
  private runs: readonly RunRecord[] = [];
  private roots: TreeNodeModel[] = [];
  /** Every node now in the tree, by id: the same object for as long as the id lives. */
  private readonly nodes = new Map<string, TreeNodeModel>();
  private readonly parents = new Map<string, TreeNodeModel | undefined>();
  private readonly clocks = new Map<string, RunClock>();
  /** Nodes whose item changed since the last event; `all` when the roots themselves changed. */
  private pending = new Set<TreeNodeModel>();
  private pendingAll = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private lastEventAt = -Infinity;
  private readonly changed = new vscode.EventEmitter<TreeNodeModel | TreeNodeModel[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  /** Takes the runs (newest first); the data is current at once, the change event follows within REFRESH_MS. */
  show(runs: readonly RunRecord[]): void {
    this.runs = runs;
    const now = performance.now();
    for (const run of runs) {
      if (run.status !== 'running') this.clocks.delete(run.id);
      else if (this.clocks.get(run.id)?.elapsedMs !== run.elapsedMs) this.clocks.set(run.id, { elapsedMs: run.elapsedMs, atMs: now });
    }
    for (const id of this.clocks.keys()) if (!runs.some((r) => r.id === id)) this.clocks.delete(id);
    this.rebuild();
  }

  /** The node of a run, for reveal and selection. */
  runNode(runId: string): TreeNodeModel | undefined {
    return this.nodes.get(`run:${runId}`);
  }

  getChildren(node?: TreeNodeModel): TreeNodeModel[] {
    return node ? node.children : this.roots;
  }

  getParent(node: TreeNodeModel): TreeNodeModel | undefined {
    return this.parents.get(node.id);
  }

  getTreeItem(node: TreeNodeModel): vscode.TreeItem {
    // A run keeps one collapsible state from its first render: VS Code remembers the expansion of an id,
    // so a running run that starts without children must not start as a leaf.
    const state =
      node.expanded === undefined
        ? vscode.TreeItemCollapsibleState.None
        : node.expanded
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(node.label, state);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.accessibilityInformation = { label: node.accessibilityLabel };
    item.contextValue = node.contextValue;
    if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
    if (node.contextValue?.startsWith('run.')) {
      item.command = { command: 'consumerProbe.openReport', title: 'Open Report', arguments: [node] };
    }
    return item;
  }

  private rebuild(): void {
    const now = performance.now();
    const live = this.runs.map((run) => {
      const clock = this.clocks.get(run.id);
      return clock ? { ...run, elapsedMs: clock.elapsedMs + (now - clock.atMs) } : run;
    });
    this.merge(buildRunTree(live, Date.now()));
    this.scheduleEvent();
    this.scheduleTick(live);
  }

  /** Takes the fresh model into the kept node objects and notes which of them look different. */
  private merge(fresh: TreeNodeModel[]): void {
    const alive = new Set<string>();
    const adopt = (node: TreeNodeModel, parent: TreeNodeModel | undefined): TreeNodeModel => {
      alive.add(node.id);
      const kept = this.nodes.get(node.id);
      const target = kept ?? { ...node, children: [] };
      const children = node.children.map((c) => adopt(c, target));
      if (kept) {
        const differs = itemKey(kept) !== itemKey(node) || !sameIds(kept.children, children);
        Object.assign(kept, node, { children });
        if (differs) this.pending.add(kept);
      } else {
        target.children = children;
        this.nodes.set(target.id, target);
      }
      this.parents.set(target.id, parent);
      return target;
    };
    const roots = fresh.map((n) => adopt(n, undefined));
    if (!sameIds(this.roots, roots)) this.pendingAll = true;
    this.roots = roots;
    for (const id of [...this.nodes.keys()]) {
      if (alive.has(id)) continue;
      this.nodes.delete(id);
      this.parents.delete(id);
    }
  }

  private scheduleEvent(): void {
    if (this.flushTimer || (!this.pendingAll && this.pending.size === 0)) return;
    const wait = Math.max(0, this.lastEventAt + REFRESH_MS - performance.now());
    this.flushTimer = setTimeout(() => this.fireEvent(), wait);
  }

  private fireEvent(): void {
    this.flushTimer = undefined;
    this.lastEventAt = performance.now();
    const all = this.pendingAll;
    // Only nodes still in the tree; VS Code skips the descendants of a node it refreshes anyway.
    const nodes = [...this.pending].filter((n) => this.nodes.get(n.id) === n);
    this.pendingAll = false;
    this.pending = new Set();
    if (all) this.changed.fire(undefined);
    else if (nodes.length > 0) this.changed.fire(nodes);
  }

  /** While a run runs, rebuild just after its clock passes the next whole second. */
  private scheduleTick(live: readonly RunRecord[]): void {
    clearTimeout(this.tickTimer);
    this.tickTimer = undefined;
    const running = live.find((r) => this.clocks.has(r.id));
    if (!running) return;
    const untilNextSecond = 1000 - (running.elapsedMs % 1000);
    this.tickTimer = setTimeout(() => this.rebuild(), untilNextSecond + 5);
  }

  dispose(): void {
    clearTimeout(this.flushTimer);
    clearTimeout(this.tickTimer);
    this.changed.dispose();
  }
}

/** What VS Code draws for a node (its children aside). */
function itemKey(n: TreeNodeModel): string {
  return JSON.stringify([n.label, n.description, n.tooltip, n.accessibilityLabel, n.icon, n.contextValue, n.expanded === undefined, n.pod]);
}

function sameIds(a: readonly TreeNodeModel[], b: readonly TreeNodeModel[]): boolean {
  return a.length === b.length && a.every((n, i) => n.id === b[i]!.id);
}
