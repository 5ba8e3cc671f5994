import { parseImportDocument } from '../../lib/ledger/import/import-document';
import { parseModule } from '../../lib/config/module-schema';

const REC = `${'b'.repeat(64)}.wav`;
const club = { kind: 'club', code: 'club-fa', name: 'باشگاه', language: 'fa', nextDestination: 'to-balance', errorDestination: 'goodbye' };

describe('the customer club module schema', () => {
  it('fills in defaults for a minimal club module', () => {
    const parsed = parseModule(club);
    expect(parsed).toEqual({
      ok: true,
      value: { ...club, enabled: true, identification: 'caller-number', maxAttempts: 3, gatherTimeoutSeconds: 6, lookupSource: 'ledger', prompts: {} },
    });
  });

  it('keeps treating a module without a kind as a balance module', () => {
    const parsed = parseModule({ code: 'b', name: 'B', language: 'en', nextDestination: 'x', errorDestination: 'y' });
    expect(parsed.ok && parsed.value.kind).toBe('balance');
  });

  it('accepts "don\'t play" and overrides for club prompts', () => {
    const parsed = parseModule({
      ...club,
      identification: 'customer-number-and-password',
      prompts: { intro: { play: false }, wrongPassword: { text: 'نادرست است.', audioKey: REC } },
    });
    expect(parsed.ok && parsed.value.kind === 'club' && parsed.value.prompts).toEqual({
      intro: { play: false },
      wrongPassword: { text: 'نادرست است.', audioKey: REC },
    });
  });

  it('refuses "play: true", an empty prompt and a balance prompt name on a club', () => {
    for (const prompts of [{ intro: { play: true } }, { welcome: {} }, { owed: { text: 'x' } }]) {
      const parsed = parseModule({ ...club, prompts });
      expect(parsed.ok).toBe(false);
    }
  });

  it('does not let a balance module silence its prompts', () => {
    const parsed = parseModule({ code: 'b', name: 'B', language: 'en', nextDestination: 'x', errorDestination: 'y', prompts: { intro: { play: false } } });
    expect(parsed.ok).toBe(false);
  });

  it('names the field and explains the problem in Persian and English', () => {
    const fa = parseModule({ ...club, identification: 'fingerprint', customerNumberPrefix: 'شماره' }, 'fa');
    expect(fa).toEqual({
      ok: false,
      errors: [
        { field: 'identification', code: 'identification', message: 'شماره تماس‌گیرنده، شماره مشتری، یا شماره مشتری و رمز تلفنی را انتخاب کنید.' },
        { field: 'customerNumberPrefix', code: 'prefix_format', message: 'فقط حروف لاتین، رقم و - _ / . مجاز است.' },
      ],
    });
    const en = parseModule({ ...club, kind: 'ivr-menu' }, 'en');
    expect(en).toEqual({ ok: false, errors: [{ field: 'kind', code: 'module_kind', message: 'Choose balance or customer club.' }] });
  });

  it('refuses balance-only settings on a club module', () => {
    const parsed = parseModule({ ...club, anonymousMode: true });
    expect(parsed).toEqual({ ok: false, errors: [expect.objectContaining({ field: 'anonymousMode', code: 'unknown_field' })] });
  });
});

describe('telephone passwords in the import document', () => {
  const doc = (phonePassword: string) => ({ customers: [{ id: 'c-1', customerNumber: '1', phones: [], phonePassword }] });

  it('accepts 4 to 12 digits, Persian digits normalised', () => {
    const parsed = parseImportDocument(doc('۱۲۳۴'));
    expect(parsed.ok && parsed.document.customers[0]?.phonePassword).toBe('1234');
  });

  it('refuses a password that cannot be typed on a keypad, without echoing it', () => {
    for (const bad of ['98', 'abcd', '9876543210987']) {
      const parsed = parseImportDocument(doc(bad));
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) {
        expect(parsed.errors).toEqual([expect.objectContaining({ section: 'customers', row: 0, field: 'phonePassword' })]);
        expect(JSON.stringify(parsed.errors)).not.toContain(bad);
      }
    }
  });
});

describe('Persian club prompts', () => {
  it('refuse a text-only override, since no TTS speaks Persian, and accept it as a recording’s transcript', () => {
    const textOnly = parseModule({ ...club, prompts: { welcome: { text: 'خوش آمدید' } } }, 'fa');
    expect(!textOnly.ok && textOnly.errors).toEqual([expect.objectContaining({ field: 'prompts.welcome.text', code: 'fa_text_needs_recording' })]);
    expect(parseModule({ ...club, prompts: { welcome: { text: 'خوش آمدید', audioKey: `${'a'.repeat(64)}.wav` } } }).ok).toBe(true);
    expect(parseModule({ ...club, prompts: { welcome: { play: false } } }).ok).toBe(true);
    expect(parseModule({ ...club, language: 'en', prompts: { welcome: { text: 'Welcome back.' } } }).ok).toBe(true);
  });
});
