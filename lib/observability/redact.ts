/**
 * The logger's safety net: whatever a caller forgot to pass through maskPhone, anything
 * phone-like in a log line (8+ digits, Latin, Persian or Arabic-Indic, with the usual
 * separators) is cut to its last 4 digits before it is written.
 */
const DIGIT = '[0-9\\u06F0-\\u06F9\\u0660-\\u0669]';
// Not glued to letters or digits on either side (nor continuing an id like a UUID), so
// CallSids (CA…), request ids and ISO timestamps stay readable.
const PHONE_LIKE = new RegExp(
  `(?<![A-Za-z0-9\\u06F0-\\u06F9\\u0660-\\u0669])(?<![A-Za-z0-9][-.])[+(]?${DIGIT}(?:[\\s\\-().]{0,2}${DIGIT}){7,}(?![A-Za-z0-9\\u06F0-\\u06F9\\u0660-\\u0669])`,
  'gu',
);

export function maskPhonesIn(text: string): string {
  if (text.length < 8) return text;
  return text.replace(PHONE_LIKE, (match) => {
    const digits = match.replace(/[^0-9\u06F0-\u06F9\u0660-\u0669]/g, '');
    return `***${digits.slice(-4)}`;
  });
}

/** JSON.stringify replacer: masks every string value on its way out. */
export function redactingReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? maskPhonesIn(value) : value;
}
