import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseImportDocument } from '../../lib/ledger/import/import-document';

const valid = {
  moneyAccounts: [{ key: 'acc', name: 'Bank' }],
  customers: [{ id: 'c1', phones: ['+989121111111'] }],
  items: [{ customerId: 'c1', type: 'invoice', number: 'I-1', fields: { FinalValue: 100 } }],
  destinations: [{ code: 'bye', type: 'hangup' }],
  modules: [{ code: 'm', name: 'M', language: 'en', nextDestination: 'bye', errorDestination: 'bye' }],
};

describe('import document', () => {
  it('accepts the documented shapes and fills defaults', () => {
    const parsed = parseImportDocument(valid);
    expect(parsed.ok && parsed.document.items[0]).toEqual({
      customerId: 'c1',
      type: 'invoice',
      number: 'I-1',
      fields: { FinalValue: 100 },
      currency: 'IRR',
      status: 'open',
    });
  });

  it('reports every bad row by section, row and field, and accepts none of them', () => {
    const parsed = parseImportDocument({
      ...valid,
      items: [
        ...valid.items,
        { customerId: 'ghost', type: 'invoice', number: 'I-2', fields: { FinalValue: 1 } },
        { customerId: 'c1', type: 'bill', number: 'I-3' },
      ],
      modules: [{ ...valid.modules[0], errorDestination: 'nowhere' }],
      extra: [],
    });
    expect(parsed.ok).toBe(false);
    const where = !parsed.ok ? parsed.errors.map((e) => `${e.section}[${e.row}].${e.field}`).sort() : [];
    expect(where).toEqual(['(document)[-1].extra', 'items[1].customerId', 'items[2].type', 'modules[0].errorDestination']);
  });

  it('lets a partial import refer to customers and destinations that already exist', () => {
    const parsed = parseImportDocument(
      {
        items: [{ customerId: 'old', type: 'receipt', number: 'R-1', fields: { FinalValue: 5 } }],
        modules: [{ ...valid.modules[0], nextDestination: 'sales', errorDestination: 'sales' }],
      },
      { customerIds: new Set(['old']), destinationCodes: new Set(['sales']) },
    );
    expect(parsed.ok).toBe(true);
  });

  it('refuses duplicate codes within a document', () => {
    const parsed = parseImportDocument({ ...valid, destinations: [...valid.destinations, { code: 'bye', type: 'hangup' }] });
    expect(!parsed.ok && parsed.errors).toEqual([expect.objectContaining({ section: 'destinations', row: 1, field: 'code', code: 'duplicate_code' })]);
  });

  it('reports the document’s own row numbers even after an invalid row', () => {
    const parsed = parseImportDocument({
      ...valid,
      items: [
        { customerId: 'c1', type: 'bill', number: 'X' },
        { customerId: 'ghost', type: 'invoice', number: 'I-9', fields: { FinalValue: 1 } },
      ],
      destinations: [
        { code: 'bad', type: 'teleport' },
        { code: 'bye', type: 'hangup' },
        { code: 'bye', type: 'hangup' },
      ],
    });
    const where = !parsed.ok ? parsed.errors.map((e) => `${e.section}[${e.row}].${e.field}`).sort() : [];
    expect(where).toEqual(['destinations[0].type', 'destinations[2].code', 'items[0].type', 'items[1].customerId']);
  });

  it('refuses a document that is not an object', () => {
    expect(parseImportDocument([1, 2]).ok).toBe(false);
    expect(parseImportDocument({ customers: 'nope' }).ok).toBe(false);
  });
});

describe('import documents written before currency codes', () => {
  it('read the old { unit, divisor } currency as IRR: the demo seed in the old shape gives the same modules', () => {
    const demo = JSON.parse(readFileSync(join(__dirname, '../../infra/seed/demo.json'), 'utf8')) as { modules: Array<Record<string, unknown>> };
    const old = {
      ...demo,
      modules: demo.modules.map((m) => {
        if (m.currency === 'IRR') return { ...m, currency: { unit: 'rial', divisor: 1 } };
        if (typeof m.currency === 'object' && m.currency !== null) return { ...m, currency: { unit: (m.currency as { unit: string }).unit } };
        return m;
      }),
    };
    const current = parseImportDocument(demo);
    const before = parseImportDocument(old);
    expect(current.ok && before.ok).toBe(true);
    expect(before.ok && before.document.modules).toEqual(current.ok && current.document.modules);
    expect(old.modules.filter((m) => typeof m.currency === 'object' && 'unit' in (m.currency as object))).toHaveLength(6);
  });
});
