/** Choices and limits the panel's form shows, kept beside the schema's own bounds (module-schema.ts). */
export const CURRENCY_UNITS_FOR_PANEL = ['rial', 'toman'] as const;

export const PANEL_LIMITS = {
  maxAttempts: { min: 1, max: 10, default: 3 },
  gatherTimeoutSeconds: { min: 1, max: 60, default: 6 },
  promptTextMaxLength: 1000,
} as const;
