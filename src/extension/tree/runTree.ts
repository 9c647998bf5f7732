// The "Probe Runs" view: maps the pure tree model to TreeItems. Rebuilt from the run records on every
// (already coalesced) change; stable ids keep expansion and selection across live updates.
import * as vscode from 'vscode';
import type { RunRecord } from '../runRecord';
import { buildRunTree, type TreeNodeModel } from './runTreeModel';

export class RunTreeProvider implements vscode.TreeDataProvider<TreeNodeModel>, vscode.Disposable {
  private roots: TreeNodeModel[] = [];
  private readonly changed = new vscode.EventEmitter<TreeNodeModel | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  show(runs: readonly RunRecord[]): void {
    this.roots = buildRunTree(runs, Date.now());
    this.changed.fire(undefined);
  }

  getChildren(node?: TreeNodeModel): TreeNodeModel[] {
    return node ? node.children : this.roots;
  }

  getParent(node: TreeNodeModel): TreeNodeModel | undefined {
    const find = (list: TreeNodeModel[], parent?: TreeNodeModel): TreeNodeModel | undefined => {
      for (const n of list) {
        if (n.id === node.id) return parent;
        const hit = find(n.children, n);
        if (hit) return hit;
      }
      return undefined;
    };
    return find(this.roots);
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
    item.contextValue = node.contextValue;
    if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
    if (node.contextValue?.startsWith('run.')) {
      item.command = { command: 'consumerProbe.openReport', title: 'Open Report', arguments: [node] };
    }
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
