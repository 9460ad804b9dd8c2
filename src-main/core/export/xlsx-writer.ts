import { zip } from './zip';

/**
 * An xlsx of one sheet of text cells, written a row at a time: each row
 * becomes its XML at once (inline strings, no shared-string table to hold)
 * and the sheet's text is encoded in blocks, so 100,000 rows never exist
 * as cell objects. The header row is bold and stays in view (a frozen pane).
 */

const SPREADSHEET = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_RELATIONSHIPS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

const STATIC_PARTS: Record<string, string> = {
  '[Content_Types].xml': `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
  '_rels/.rels': `<Relationships xmlns="${PACKAGE_RELATIONSHIPS}"><Relationship Id="rId1" Type="${RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  'xl/_rels/workbook.xml.rels': `<Relationships xmlns="${PACKAGE_RELATIONSHIPS}"><Relationship Id="rId1" Type="${RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${RELATIONSHIPS}/styles" Target="styles.xml"/></Relationships>`,
  'xl/styles.xml': `<styleSheet xmlns="${SPREADSHEET}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`,
};

/** Characters XML 1.0 cannot hold at all (controls other than tab, LF, CR; lone surrogates). */
// eslint-disable-next-line no-control-regex -- finding control characters is what this pattern is for
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escapeXml = (text: string): string => text.replace(NOT_XML, '').replace(/[&<>"]/g, (c) => ESCAPES[c] ?? c);

/** Column letters: A … Z, AA … */
function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** Encoded text is set aside once this many characters have gathered. */
const BLOCK_CHARS = 1 << 20;

export class XlsxWriter {
  readonly #encoder = new TextEncoder();
  readonly #blocks: Uint8Array[] = [];
  #text: string;
  #rows = 0;
  readonly #columns: string[];

  constructor(
    private readonly sheetName: string,
    columnCount: number,
  ) {
    this.#columns = Array.from({ length: columnCount }, (_, i) => columnName(i));
    this.#text = `${HEAD}<worksheet xmlns="${SPREADSHEET}"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>`;
  }

  /** Adds a row; the first one is the header (bold). Empty cells are left out. */
  row(cells: readonly string[]): void {
    const r = ++this.#rows;
    const style = r === 1 ? ' s="1"' : '';
    let xml = `<row r="${r}">`;
    for (let i = 0; i < cells.length; i++) {
      const value = cells[i] ?? '';
      if (value === '') continue;
      xml += `<c r="${this.#columns[i] ?? columnName(i)}${r}" t="inlineStr"${style}><is><t xml:space="preserve">${escapeXml(value)}</t></is></c>`;
    }
    this.#text += `${xml}</row>`;
    if (this.#text.length >= BLOCK_CHARS) this.#flush();
  }

  /** The workbook's bytes. */
  finish(): Uint8Array {
    this.#text += '</sheetData></worksheet>';
    this.#flush();
    const sheet = new Uint8Array(this.#blocks.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const block of this.#blocks) {
      sheet.set(block, at);
      at += block.length;
    }
    const text = (xml: string): Uint8Array => this.#encoder.encode(HEAD + xml);
    const workbook = `<workbook xmlns="${SPREADSHEET}" xmlns:r="${RELATIONSHIPS}"><sheets><sheet name="${escapeXml(this.sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`;
    return zip([
      ...Object.entries(STATIC_PARTS).map(([name, xml]) => ({ name, data: text(xml) })),
      { name: 'xl/workbook.xml', data: text(workbook) },
      { name: 'xl/worksheets/sheet1.xml', data: sheet },
    ]);
  }

  #flush(): void {
    this.#blocks.push(this.#encoder.encode(this.#text));
    this.#text = '';
  }
}
