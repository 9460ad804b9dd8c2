import { describe, expect, it } from 'vitest';
import { buildColumns, dataRowIndexes, detectHeaderRow } from '../../../src-import/header';

describe('header row detection', () => {
  it('takes the first row when it names the fields', () => {
    expect(detectHeaderRow([['First name', 'Last name', 'Email'], ['Ann', 'Lee', 'ann@example.com']])).toBe(0);
  });

  it('skips a title row and blank rows above the headers', () => {
    const grid = [
      ['Staff list — March', '', '', ''],
      ['', '', '', ''],
      ['Exported 2024-03-01', '', '', ''],
      ['Voornaam', 'Achternaam', 'E-mail', 'GSM'],
      ['Jan', 'Peeters', 'jan@example.com', '0470 12 34 56'],
      ['Els', 'Maes', 'els@example.com', '0471 12 34 56'],
    ];
    expect(detectHeaderRow(grid)).toBe(3);
  });

  it('finds headers it does not know by their shape (text above data)', () => {
    const grid = [
      ['Report', '', ''],
      ['Alpha', 'Beta', 'Gamma'],
      ['1', '2', '3'],
      ['4', '5', '6'],
    ];
    expect(detectHeaderRow(grid)).toBe(1);
  });

  it('says there is no header when the first row is already data', () => {
    const grid = [
      ['Ann', 'Lee', 'ann@example.com'],
      ['Bo', 'Ng', 'bo@example.com'],
    ];
    expect(detectHeaderRow(grid)).toBeNull();
  });
});

describe('columns', () => {
  it('names blank and merged header cells and keeps names unique', () => {
    const grid = [
      ['Name', '', 'Tags', '', 'Name'],
      ['Ann', 'x', 'a', 'b', 'Lee'],
      ['', '', '', '', ''],
      ['Bo', 'y', 'c', '', 'Ng'],
    ];
    const merges = [{ s: { r: 0, c: 2 }, e: { r: 0, c: 3 } }];
    const dataRows = dataRowIndexes(grid, 0);
    expect(dataRows).toEqual([1, 3]);
    const columns = buildColumns(grid, 0, merges, dataRows);
    expect(columns.map((c) => [c.letter, c.header, c.headerKind])).toEqual([
      ['A', 'Name', 'cell'],
      ['B', 'Column B', 'blank'],
      ['C', 'Tags', 'cell'],
      ['D', 'Tags (2)', 'merged'],
      ['E', 'Name (2)', 'cell'],
    ]);
    expect(columns[0]?.samples).toEqual(['Ann', 'Bo']);
  });

  it('shows header cells and samples without control or text-direction characters (a U+202E would show them reversed)', () => {
    const grid = [
      ['\u202ElamE', 'Na\u0000me', '\u2066\u2069'],
      ['Ann\u0085', 'ann@example.com', 'x'],
    ];
    const columns = buildColumns(grid, 0, [], dataRowIndexes(grid, 0));
    expect(columns.map((c) => [c.header, c.headerKind, c.samples])).toEqual([
      ['lamE', 'cell', ['Ann']],
      ['Name', 'cell', ['ann@example.com']],
      ['Column C', 'blank', ['x']],
    ]);
  });

  it('names columns by letter when there is no header row', () => {
    const grid = [['a', 'b']];
    expect(buildColumns(grid, null, [], dataRowIndexes(grid, null)).map((c) => c.header)).toEqual(['Column A', 'Column B']);
  });
});
