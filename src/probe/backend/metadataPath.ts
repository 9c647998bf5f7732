// The path of the metadata request: the configured template (`/metadata/{id}`) with the job id, which
// the backend chose, put in so that it stays data. Percent-encoding keeps it one path segment (or one
// query value) whatever it holds ("/", "?", "#", "%", spaces); what encoding cannot save is an id that
// would make a whole segment ".", ".." or empty: URLs resolve "." and ".." (and "%2e" spelled either
// way) away, and servers and proxies merge "//", so the request would reach another resource, e.g.
// `/metadata/..` is `/`. Such an id, or one that is not well-formed UTF-16, gets no path.

const ID = '{id}';

/** A segment URLs resolve away or servers merge: "", ".", "..", with dots written as "%2e" or not. */
const VANISHING_SEGMENT = /^(?:\.|%2e){0,2}$/i;

/** `basePath` + the template with `{id}` replaced; null when the id cannot stand in the path as itself. */
export function metadataPath(basePath: string, template: string, jobId: string): string | null {
  let id: string;
  try {
    id = encodeURIComponent(jobId);
  } catch {
    return null; // a lone surrogate: no UTF-8 to send
  }
  const cut = template.search(/[?#]/);
  const path = cut === -1 ? template : template.slice(0, cut);
  const rest = cut === -1 ? '' : template.slice(cut);
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    const rendered = segment.split(ID).join(id);
    if (segment.includes(ID) && VANISHING_SEGMENT.test(rendered)) return null;
    segments.push(rendered);
  }
  return basePath + segments.join('/') + rest.split(ID).join(id);
}
