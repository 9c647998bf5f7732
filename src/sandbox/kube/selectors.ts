// Label selectors as the real apiserver reads them, with the engine's parser (one grammar for the whole
// project, src/probe/labelSelector.ts); bad input becomes a 400 BadRequest ApiError, as the real server
// answers. Field selectors live in fieldSelectors.ts and are re-exported here: import both from this module.
import { LabelSelectorSyntaxError, parseLabelSelector as parseSelector, type LabelSelector } from '../../probe/labelSelector';
import { badRequest } from './apiStatus';

export { parseFieldSelector, type FieldSelector } from './fieldSelectors';
export type { LabelSelector } from '../../probe/labelSelector';

export function parseLabelSelector(text: string | undefined | null): LabelSelector {
  try {
    return parseSelector(text);
  } catch (e) {
    if (e instanceof LabelSelectorSyntaxError) throw badRequest(`unable to parse requirement: ${e.detail}`);
    throw e;
  }
}
