/** Choices and limits the panel's form shows, kept beside the schema's own bounds (module-schema.ts). */
export { CURRENCY_CODES as CURRENCIES_FOR_PANEL, IRR_UNITS as IRR_UNITS_FOR_PANEL } from '../domain/money';

export const PANEL_LIMITS = {
  maxAttempts: { min: 1, max: 10, default: 3 },
  gatherTimeoutSeconds: { min: 1, max: 60, default: 6 },
  promptTextMaxLength: 1000,
} as const;
