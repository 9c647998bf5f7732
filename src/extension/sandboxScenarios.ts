// Which scenario "Run Probe in Sandbox" plays. When the user chose one in the settings
// (consumerProbe.sandbox.scenario), that one; otherwise a QuickPick of every scenario with the one-line
// description the CLI prints. The names and descriptions are read from the manifest's enum and
// enumDescriptions (a unit test keeps them equal to src/sandbox/profiles.ts), so listing them does not
// load the sandbox.
import * as vscode from 'vscode';
import type { ProbeCtx } from './ctx';

const SETTING = 'sandbox.scenario';

export interface ScenarioChoice {
  name: string;
  description: string;
}

/** The scenarios as the manifest lists them for the setting's dropdown. */
export function manifestScenarios(packageJson: unknown): ScenarioChoice[] {
  const prop = (packageJson as { contributes?: { configuration?: { properties?: Record<string, unknown> } } })?.contributes?.configuration
    ?.properties?.[`consumerProbe.${SETTING}`] as { enum?: string[]; enumDescriptions?: string[] } | undefined;
  return (prop?.enum ?? []).map((name, i) => ({ name, description: prop?.enumDescriptions?.[i] ?? '' }));
}

/** QuickPick items: the current scenario first (Enter plays it), then the others in the manifest's order. */
export function scenarioItems(
  choices: readonly ScenarioChoice[],
  current: string,
  currentNote: string,
): (vscode.QuickPickItem & { name: string })[] {
  const ordered = [...choices.filter((c) => c.name === current), ...choices.filter((c) => c.name !== current)];
  return ordered.map((c) => ({
    name: c.name,
    label: c.name,
    description: c.name === current ? currentNote : undefined,
    detail: c.description,
  }));
}

/** The scenario to play, or undefined when the user dismissed the pick. */
export async function pickSandboxScenario(ctx: ProbeCtx): Promise<string | undefined> {
  const inspected = vscode.workspace.getConfiguration('consumerProbe').inspect<string>(SETTING);
  const chosen = inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
  if (chosen !== undefined) return chosen;
  const last = ctx.ext.workspaceState.get<string>(LAST_PLAYED);
  const items = scenarioItems(
    manifestScenarios(ctx.ext.extension.packageJSON),
    last ?? ctx.config.sandboxScenario,
    last ? 'last played' : 'default',
  );
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Run Probe in Sandbox',
    placeHolder: 'Which scenario should the sandbox play? (consumerProbe.sandbox.scenario skips this question)',
    matchOnDetail: true,
  });
  if (pick) await ctx.ext.workspaceState.update(LAST_PLAYED, pick.name);
  return pick?.name;
}

const LAST_PLAYED = 'consumerProbe.sandbox.lastPlayed';
