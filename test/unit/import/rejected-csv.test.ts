import { describe, expect, it } from 'vitest';
import { neutralise, toCsv } from '../../../src-shared/csv';
import { rejectedCsvInWords } from '../../../src-main/core/org/rejected-csv';

/** The server's rejected rows CSV in the console reader's words (src-main/core/org/rejected-csv.ts). */

/** Keeps the byte order mark, which the file must start with. */
const decode = (bytes: Uint8Array): string => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);

/** What the server writes (src-server/services/import-report.ts): Row, the file's headers, Reasons; every cell neutralised. */
const serverCsv = (table: string[][]): string => decode(toCsv(table.map((cells) => cells.map(neutralise))));

describe('the rejected rows CSV in the reader’s words', () => {
  const server = serverCsv([
    ['Row', 'Naam', '=Formule', 'Reasons'],
    ['4', '+32 470', 'a, "quoted"\nline', 'The email is not valid.\nThe phone is not valid.'],
    ['7', '@x', '', 'Row 7 repeats row 4.'],
  ]);

  it('words the headers and the reasons it was given, keeps the rest as the server wrote it, and never neutralises twice', () => {
    const out = decode(rejectedCsvInWords(server, { words: { row: 'Ligne', reasons: 'Motifs', delimiter: ';' }, reasons: [{ rowNumber: 4, text: '=L’e-mail n’est pas valide.\nLe téléphone non plus.' }] }));
    expect(out).toBe(
      '\uFEFFLigne;Naam;\'=Formule;Motifs\r\n' +
        '4;\'+32 470;"a, ""quoted""\nline";"\'=L’e-mail n’est pas valide.\nLe téléphone non plus."\r\n' +
        '7;\'@x;;Row 7 repeats row 4.\r\n',
    );
  });

  it('in English with no worded reasons, gives back the server’s file byte for byte', () => {
    expect(decode(rejectedCsvInWords(server, { words: { row: 'Row', reasons: 'Reasons', delimiter: ',' }, reasons: [] }))).toBe(server);
  });

  it('words a report without the file’s headers (runs before its cells were kept)', () => {
    const old = serverCsv([['Row', 'Reasons'], ['3', 'Bad.']]);
    expect(decode(rejectedCsvInWords(old, { words: { row: 'Fila', reasons: 'Motivos', delimiter: ';' }, reasons: [{ rowNumber: 3, text: 'Mal.' }] }))).toBe('\uFEFFFila;Motivos\r\n3;Mal.\r\n');
  });
});
