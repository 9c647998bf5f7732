// The scenario banner: verdict, summary, evidence and what to do next.
import type { BannerView } from '../viewModel';
import { el } from './dom';

export function renderBanner(b: BannerView, actions: HTMLElement | null): HTMLElement {
  return el(
    'section',
    { id: 'banner', class: `banner tone-${b.tone}`, 'aria-label': 'Diagnosis' },
    el(
      'div',
      { class: 'banner-head' },
      el('vscode-badge', { id: 'scenario-badge' }, b.badge),
      el('h1', { id: 'scenario-title' }, b.title),
      actions,
    ),
    el('p', { id: 'scenario-summary', class: 'summary' }, b.summary),
    b.evidence.length > 0 && el('h2', {}, 'Evidence'),
    b.evidence.length > 0 && el('ul', { id: 'evidence' }, ...b.evidence.map((e) => el('li', {}, e))),
    b.suggestions.length > 0 && el('h2', {}, 'What to do next'),
    b.suggestions.length > 0 && el('ul', { id: 'suggestions' }, ...b.suggestions.map((s) => el('li', {}, s))),
  );
}
