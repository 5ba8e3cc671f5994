/** What every page needs: the language and its words, the API's metadata, and navigation. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Meta } from './api';
import { codeName, digits, formatNumber, translate, type Key, type Lang } from './i18n';

export interface AppContext {
  readonly lang: Lang;
  readonly meta: Meta;
  navigate(hash: string): void;
}

export const Ctx = createContext<AppContext | null>(null);

export function useApp() {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('useApp outside the app');
  const { lang } = ctx;
  return {
    ...ctx,
    t: (key: Key, ...args: (string | number)[]) => translate(lang, key, ...args),
    code: (code: string) => codeName(lang, code),
    num: (n: number) => formatNumber(lang, n),
    digits: (s: string | number) => digits(lang, s),
  };
}
