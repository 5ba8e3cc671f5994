/**
 * SMS text for a payment link, per language, and its segment count. Persian needs UCS-2
 * (70 UTF-16 units in one segment, 67 per part when concatenated); plain English fits
 * GSM-7 (160 / 153, extension characters count twice).
 */
import type { Language } from '../config/module-constants';
import { formatMoney, type ModuleCurrency } from './money';

const GSM7_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';

export interface SegmentCount {
  readonly encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  readonly units: number;
  readonly segments: number;
}

export function countSegments(text: string): SegmentCount {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM7_BASIC.includes(ch)) septets += 1;
    else if (GSM7_EXTENSION.includes(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return { encoding: 'GSM-7', units: septets, segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
  const units = text.length;
  return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

export interface PaymentLinkText {
  readonly text: string;
  readonly count: SegmentCount;
}

/**
 * The message: business name, amount, link. The business name is dropped when keeping it
 * would take the message past two segments; the link and amount always stay. `amount` is in
 * the currency's minor unit and reads as the caller heard it (money.ts formatMoney).
 */
export function paymentLinkText(input: { language: Language; amount: number; currency: ModuleCurrency; url: string; businessName: string }): PaymentLinkText {
  const amount = formatMoney(input.amount, input.currency, input.language);
  const variants =
    input.language === 'fa'
      ? [`${input.businessName}\nبرای پرداخت ${amount} روی لینک زیر بزنید:\n${input.url}`, `پرداخت ${amount}:\n${input.url}`]
      : [`${input.businessName}: to pay ${amount}, open ${input.url}`, `Pay ${amount}: ${input.url}`];
  const candidates = variants.map((text) => ({ text, count: countSegments(text) }));
  return candidates.find((c) => c.count.segments <= 2) ?? (candidates[candidates.length - 1] as PaymentLinkText);
}
