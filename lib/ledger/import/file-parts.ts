/**
 * How a file travels to a bulk import job: in parts small enough for one admin request each
 * (the worker joins their bytes in order). Pure, shared by the panel and `npm run import`.
 */

/** Characters per part: at most 3 bytes each in UTF-8, well inside the 4 MB a part may be. */
export const PART_CHARS = 1_000_000;

/** The text in parts of at most `size` characters, never splitting a surrogate pair. */
export function fileParts(text: string, size = PART_CHARS): string[] {
  const parts: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + size);
    const code = text.charCodeAt(end - 1);
    if (end < text.length && code >= 0xd800 && code <= 0xdbff) end -= 1;
    parts.push(text.slice(start, end));
    start = end;
  }
  return parts.length > 0 ? parts : [''];
}

/** A JSON document with configuration (modules, destinations, lookup sources) goes through the regular import, not a job. */
export function hasConfigurationSections(text: string): boolean {
  try {
    const doc = JSON.parse(text) as unknown;
    return typeof doc === 'object' && doc !== null && ['modules', 'destinations', 'lookupSources'].some((section) => section in doc);
  } catch {
    return false;
  }
}
