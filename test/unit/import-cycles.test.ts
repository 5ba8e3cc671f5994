import { importLoops } from '../../scripts/check-import-cycles';

describe('the import-loop check', () => {
  it('finds two files that import each other, and a longer ring', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['a', 'c']],
      ['c', ['d']],
      ['d', ['e']],
      ['e', ['c']],
      ['f', ['a']],
    ]);
    expect(importLoops(graph)).toEqual([
      ['c', 'd', 'e'],
      ['a', 'b'],
    ]);
  });

  it('passes a graph whose imports all point one way', () => {
    const graph = new Map([
      ['flow', ['domain']],
      ['voice', ['flow', 'domain']],
      ['domain', []],
    ]);
    expect(importLoops(graph)).toEqual([]);
  });

  it('counts a file importing itself as a loop', () => {
    expect(importLoops(new Map([['a', ['a']]]))).toEqual([['a']]);
  });
});
