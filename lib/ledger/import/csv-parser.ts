/**
 * RFC 4180 CSV: comma-separated fields, fields quoted with `"` (a quote inside is `""`),
 * CRLF or LF line ends, line breaks allowed inside quoted fields. A UTF-8 byte order mark
 * (spreadsheet exports add one) is dropped. Each record keeps the line it starts on, so an
 * import error can point the operator at it.
 */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export function parseCsv(text: string): CsvRecord[] {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endField = () => {
    fields.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    // A line with nothing on it is not a record (blank lines, a trailing newline).
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
  };
  while (i < input.length) {
    const ch = input[i] as string;
    if (ch === '"' && field === '') {
      // Quoted field: runs to the next lone quote.
      i += 1;
      for (;;) {
        if (i >= input.length) throw new CsvSyntaxError('a quoted field is not closed', recordLine);
        const c = input[i] as string;
        if (c === '"') {
          if (input[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        if (c === '\n') line += 1;
        field += c;
        i += 1;
      }
      const next = input[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') throw new CsvSyntaxError('text after a closing quote', line);
      // An empty quoted field must still count as a field: mark it so endRecord keeps it.
      if (field === '') field = '\u0000';
      continue;
    }
    if (ch === ',') {
      endField();
      i += 1;
    } else if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && input[i + 1] === '\n' ? 2 : 1;
      line += 1;
      recordLine = line;
    } else {
      if (ch === '"') throw new CsvSyntaxError('a quote inside an unquoted field', line);
      field += ch;
      i += 1;
    }
  }
  if (field !== '' || fields.length > 0) endRecord();
  return records.map((r) => ({ line: r.line, fields: r.fields.map((f) => (f === '\u0000' ? '' : f)) }));
}
