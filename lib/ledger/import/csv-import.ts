/**
 * CSV files of customers or billable items, as spreadsheets export them, turned into the
 * rows of an import document. Validation is the import document's own (the same rules as
 * a JSON import, with amounts read from text: parseImportDocument(…, 'text')); errors are
 * reported against the CSV line an operator can find. Cells stay text: nothing here guesses
 * whether "0x10" or "1e6" was meant as a number.
 */
import { CsvSyntaxError, parseCsv } from './csv-parser';

export type CsvKind = 'customers' | 'items';

export const CSV_COLUMNS: Readonly<Record<CsvKind, { required: readonly string[]; optional: readonly string[]; otherColumns: 'fields' | 'error' }>> = {
  // phonePassword: the telephone password (4–12 digits), hashed before it is stored.
  customers: { required: ['id'], optional: ['customerNumber', 'name', 'phones', 'mobile', 'phonePassword'], otherColumns: 'error' },
  // Any column not named here is a CRM field of the item (FinalValue, Number, ...).
  items: { required: ['customerId', 'type', 'number'], optional: ['moneyAccount', 'currency', 'status', 'createdAt'], otherColumns: 'fields' },
};

export interface CsvProblem {
  readonly line: number;
  readonly field: string;
  readonly code: string;
}

export type CsvRows = { ok: true; rows: Record<string, unknown>[]; lines: number[] } | { ok: false; problems: CsvProblem[] };

export function rowsFromCsv(kind: CsvKind, text: string): CsvRows {
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) return { ok: false, problems: [{ line: error.line, field: '(row)', code: 'csv_syntax' }] };
    throw error;
  }
  const [header, ...data] = records;
  if (!header) return { ok: false, problems: [{ line: 1, field: '(header)', code: 'csv_empty' }] };
  const spec = CSV_COLUMNS[kind];
  const columns = header.fields.map((name) => name.trim());
  const problems: CsvProblem[] = [];
  for (const name of spec.required) if (!columns.includes(name)) problems.push({ line: header.line, field: name, code: 'csv_missing_column' });
  columns.forEach((name, index) => {
    if (name === '') problems.push({ line: header.line, field: `#${index + 1}`, code: 'csv_missing_column' });
    else if (columns.indexOf(name) !== index) problems.push({ line: header.line, field: name, code: 'duplicate_code' });
    else if (spec.otherColumns === 'error' && !spec.required.includes(name) && !spec.optional.includes(name))
      problems.push({ line: header.line, field: name, code: 'unknown_field' });
  });
  if (problems.length > 0) return { ok: false, problems };

  const rows: Record<string, unknown>[] = [];
  const lines: number[] = [];
  for (const record of data) {
    if (record.fields.length !== columns.length) {
      problems.push({ line: record.line, field: '(row)', code: 'csv_column_count' });
      continue;
    }
    const row: Record<string, unknown> = {};
    const fields: Record<string, string> = {};
    columns.forEach((name, index) => {
      const value = (record.fields[index] ?? '').trim();
      if (value === '') return;
      if (kind === 'customers' && name === 'phones')
        row.phones = value
          .split(/[;|]/)
          .map((p) => p.trim())
          .filter(Boolean);
      else if (spec.required.includes(name) || spec.optional.includes(name)) row[name] = value;
      else fields[name] = value;
    });
    if (kind === 'items') row.fields = fields;
    rows.push(row);
    lines.push(record.line);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rows, lines };
}
