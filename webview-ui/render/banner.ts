// The scenario banner: the verdict (severity in words, scenario id beside it), summary, evidence, the
// buttons that open the fix, and what to do next, each kubectl command with Copy and Run in Terminal.
import type { Fix } from '../../src/extension/report/protocol';
import type { BannerView, SuggestionView } from '../viewModel';
import { el } from './dom';

export interface BannerActions {
  /** Export buttons and the like, beside the title; null when there are none. */
  head: HTMLElement | null;
  copy(text: string): void;
  /** Null when commands cannot run (no run to aim them at). */
  run: ((command: string) => void) | null;
  fix: ((fix: Fix) => void) | null;
}

function button(label: string, key: string, onClick: () => void, attrs: Record<string, string> = {}): HTMLElement {
  const b = el('vscode-button', { appearance: 'secondary', 'data-key': key, ...attrs }, label);
  b.addEventListener('click', onClick);
  return b;
}

function suggestion(s: SuggestionView, index: number, actions: BannerActions): HTMLElement {
  let n = 0;
  return el(
    'li',
    {},
    ...s.parts.map((part) => {
      if (!part.command) return part.text;
      const key = `${index}.${n++}`;
      return el(
        'span',
        { class: 'command' },
        el('code', {}, part.text),
        el(
          'span',
          { class: 'command-actions' },
          button('Copy', `copy:${key}`, () => actions.copy(part.text), { 'aria-label': `Copy: ${part.text}` }),
          actions.run &&
            button('Run in Terminal', `run:${key}`, () => actions.run?.(part.text), { 'aria-label': `Run in Terminal: ${part.text}` }),
        ),
      );
    }),
  );
}

export function renderBanner(b: BannerView, actions: BannerActions): HTMLElement {
  const fixes = actions.fix && b.fixes.length > 0 ? b.fixes : [];
  return el(
    'section',
    { id: 'banner', class: `banner tone-${b.tone}`, 'aria-labelledby': 'scenario-title', tabindex: -1 },
    el(
      'div',
      { class: 'banner-head' },
      el(
        'span',
        { id: 'scenario-badge', class: `severity tone-${b.tone}` },
        el('span', { class: 'severity-word' }, b.badge),
        b.scenarioId && el('span', { class: 'scenario-id' }, b.scenarioId),
      ),
      el('h1', { id: 'scenario-title' }, b.title),
      actions.head,
    ),
    el('p', { id: 'scenario-summary', class: 'summary' }, b.summary),
    b.evidence.length > 0 && el('h2', {}, 'Evidence'),
    b.evidence.length > 0 && el('ul', { id: 'evidence' }, ...b.evidence.map((e) => el('li', {}, e))),
    fixes.length > 0 &&
      el(
        'div',
        { id: 'fixes', class: 'fixes', role: 'group', 'aria-label': 'Fix it' },
        ...fixes.map((f) => button(f.label, `fix:${f.label}`, () => actions.fix?.(f.fix))),
      ),
    b.suggestions.length > 0 && el('h2', {}, 'What to do next'),
    b.suggestions.length > 0 && el('ul', { id: 'suggestions' }, ...b.suggestions.map((s, i) => suggestion(s, i, actions))),
  );
}
