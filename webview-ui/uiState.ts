// What the page remembers across hide/show and reloads: UI choices only. The report always comes from
// the host.
export interface UiState {
  /** Sections the user folded, by id. */
  folded: string[];
}

export const INITIAL_UI: UiState = { folded: [] };

export function toggleFolded(ui: UiState, section: string, open: boolean): UiState {
  const folded = ui.folded.filter((s) => s !== section);
  return { folded: open ? folded : [...folded, section] };
}
