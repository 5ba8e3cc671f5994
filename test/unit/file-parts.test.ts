import { fileParts, hasConfigurationSections } from '../../lib/ledger/import/file-parts';

describe('splitting an import file into parts', () => {
  it('keeps every character, in order, in parts no longer than asked', () => {
    const text = 'id,name\n' + 'x,مریم حسینی 😀\n'.repeat(50);
    const parts = fileParts(text, 7);
    expect(parts.join('')).toBe(text);
    expect(Math.max(...parts.map((p) => p.length))).toBeLessThanOrEqual(7);
    // No part ends in the first half of a surrogate pair: each encodes to UTF-8 on its own.
    for (const part of parts) expect(Buffer.from(part, 'utf8').toString('utf8')).toBe(part);
  });

  it('sends an empty file as one empty part', () => {
    expect(fileParts('')).toEqual(['']);
  });

  it('tells a document with configuration from one of ledger data only', () => {
    expect(hasConfigurationSections('{"customers":[],"modules":[]}')).toBe(true);
    expect(hasConfigurationSections('{"customers":[],"items":[]}')).toBe(false);
    expect(hasConfigurationSections('not json')).toBe(false);
  });
});
