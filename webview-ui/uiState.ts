// What the page remembers across hide/show and reloads: UI choices only. The report always comes from
// the host.
export interface UiState {
  /** Sections the user folded, by id. */
  folded: string[];
  /** Show every pod label, not only the job's. */
  allLabels: boolean;
  /** Folded-by-default blocks the user opened (the chart tables), by id. */
  opened: string[];
}

export const INITIAL_UI: UiState = { folded: [], allLabels: false, opened: [] };

/** A stored state from an older page may lack newer fields. */
export function restoreUi(saved: Partial<UiState> | undefined): UiState {
  return { ...INITIAL_UI, ...saved };
}

export function toggleFolded(ui: UiState, section: string, open: boolean): UiState {
  const folded = ui.folded.filter((s) => s !== section);
  return { ...ui, folded: open ? folded : [...folded, section] };
}

export function toggleOpened(ui: UiState, block: string, open: boolean): UiState {
  const opened = ui.opened.filter((s) => s !== block);
  return { ...ui, opened: open ? [...opened, block] : opened };
}
