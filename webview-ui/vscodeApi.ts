// The one handle the page has on its host. `acquireVsCodeApi` may be called only once per page.
import type { UiState } from './uiState';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): UiState | undefined;
  setState(state: UiState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export const host: VsCodeApi = acquireVsCodeApi();
