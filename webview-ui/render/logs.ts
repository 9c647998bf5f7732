// The log excerpts: one block per source, each line with its time, where it came from and its level.
// Log text is whatever the containers wrote, so it is only ever a text node.
import type { LogGroup } from '../viewModel';
import { el } from './dom';

export function renderLogs(groups: LogGroup[]): HTMLElement {
  if (groups.length === 0) return el('p', { id: 'logs', class: 'muted' }, 'No logs were followed (no cluster access, or turned off).');
  return el(
    'div',
    { id: 'logs' },
    ...groups.map((g) =>
      el(
        'section',
        { class: 'log-group', 'data-group': g.id },
        el('h3', {}, g.title),
        g.note && el('p', { class: 'muted' }, g.note),
        g.lines.length === 0
          ? g.empty && el('p', { class: 'muted' }, g.empty)
          : el(
              'ol',
              { class: 'log-lines' },
              ...g.lines.map((l) =>
                el(
                  'li',
                  { class: `log-line tone-${l.tone}` },
                  el('span', { class: 'log-at' }, l.at),
                  el('span', { class: 'log-where' }, l.where),
                  el('span', { class: 'log-level' }, l.level),
                  el(
                    'span',
                    { class: 'log-text' },
                    l.text,
                    l.repeats > 0 ? el('span', { class: 'muted' }, ` (+${l.repeats} like it)`) : null,
                  ),
                ),
              ),
            ),
      ),
    ),
  );
}
