/** The admin panel: sign-in with the admin key, then pages chosen by the URL hash. */
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, configureApi, storedKey, storeKey, type Meta } from './api';
import { Ctx } from './app-context';
import { ActivityPage } from './components/activity-page';
import { CallsPage } from './components/calls-page';
import { DestinationsPage } from './components/destinations-page';
import { LedgerPage } from './components/ledger-page';
import { LookupSourcesPage } from './components/lookup-sources-page';
import { ModuleForm } from './components/module-form';
import { ModulesPage } from './components/modules-page';
import { OutboxPage } from './components/outbox-page';
import { PaymentsPage } from './components/payments-page';
import { translate, type Key, type Lang } from './i18n';

const LANG_STORAGE = 'balance-ivr-admin-lang';

function initialLang(): Lang {
  const stored = localStorage.getItem(LANG_STORAGE);
  if (stored === 'fa' || stored === 'en') return stored;
  return navigator.language.toLowerCase().startsWith('fa') ? 'fa' : 'en';
}

function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/modules');
  useEffect(() => {
    const onChange = () => setHash(location.hash || '#/modules');
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

function SignIn(props: { lang: Lang; onSignedIn: (key: string) => void; languageSwitch: preact.JSX.Element }) {
  const t = (key: Key) => translate(props.lang, key);
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api('/meta', { key });
      props.onSignedIn(key);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? t('wrongKey')
          : err instanceof ApiError && err.status === 429
            ? t('tooManyAttempts')
            : (err as Error).message,
      );
    }
  };
  return (
    <main class="signin">
      <form class="card" onSubmit={submit} data-testid="signin-form">
        <div class="signin-head">
          <h1>{t('appName')}</h1>
          {props.languageSwitch}
        </div>
        <h2>{t('signInTitle')}</h2>
        <p class="hint">{t('signInHint')}</p>
        <div class={`field${error ? ' has-error' : ''}`}>
          <label for="admin-key">{t('adminKey')}</label>
          <input id="admin-key" type="password" autoComplete="current-password" dir="ltr" value={key} onInput={(e) => setKey(e.currentTarget.value)} />
          {error && (
            <p class="field-error" role="alert">
              {error}
            </p>
          )}
        </div>
        <button type="submit" class="primary" data-testid="signin">
          {t('signIn')}
        </button>
      </form>
    </main>
  );
}

function App() {
  const [lang, setLang] = useState<Lang>(initialLang);
  const [signedIn, setSignedIn] = useState(storedKey() !== null);
  const [meta, setMeta] = useState<Meta | null>(null);
  const hash = useHash();
  const signOut = () => {
    storeKey(null);
    setSignedIn(false);
    setMeta(null);
  };
  configureApi({ lang, onUnauthorized: signOut });

  useEffect(() => {
    document.documentElement.lang = lang;
    document.documentElement.dir = lang === 'fa' ? 'rtl' : 'ltr';
    document.title = translate(lang, 'appName');
    localStorage.setItem(LANG_STORAGE, lang);
  }, [lang]);

  useEffect(() => {
    if (signedIn)
      void api<Meta>('/meta')
        .then(setMeta)
        .catch(() => undefined);
  }, [signedIn]);

  const ctx = useMemo(() => (meta ? { lang, meta, navigate: (h: string) => (location.hash = h) } : null), [lang, meta]);
  const t = (key: Key) => translate(lang, key);
  const languageSwitch = (
    <div class="lang-switch" role="group" aria-label={t('language')}>
      <button type="button" aria-pressed={lang === 'fa'} onClick={() => setLang('fa')} data-testid="lang-fa" lang="fa">
        فارسی
      </button>
      <button type="button" aria-pressed={lang === 'en'} onClick={() => setLang('en')} data-testid="lang-en" lang="en">
        English
      </button>
    </div>
  );

  if (!signedIn)
    return (
      <SignIn
        lang={lang}
        languageSwitch={languageSwitch}
        onSignedIn={(key) => {
          storeKey(key);
          setSignedIn(true);
        }}
      />
    );
  if (!ctx) return <p class="loading">{t('loading')}</p>;

  const [, page = 'modules', arg] = hash.split('/');
  const nav: [string, Key][] = [
    ['modules', 'navModules'],
    ['destinations', 'navDestinations'],
    ['sources', 'navSources'],
    ['ledger', 'navLedger'],
    ['calls', 'navCalls'],
    ['payments', 'navPayments'],
    ['outbox', 'navOutbox'],
    ['activity', 'navActivity'],
  ];
  let content;
  if (page === 'modules' && arg === 'new') content = <ModuleForm key="new" />;
  else if (page === 'modules' && arg) content = <ModuleForm key={`edit-${arg}`} code={decodeURIComponent(arg)} />;
  else if (page === 'destinations') content = <DestinationsPage />;
  else if (page === 'sources') content = <LookupSourcesPage />;
  else if (page === 'ledger') content = <LedgerPage />;
  else if (page === 'calls') content = <CallsPage />;
  else if (page === 'outbox') content = <OutboxPage />;
  else if (page === 'payments') content = <PaymentsPage />;
  else if (page === 'activity') content = <ActivityPage />;
  else content = <ModulesPage />;

  return (
    <Ctx.Provider value={ctx}>
      <header class="top">
        <span class="brand">{t('appName')}</span>
        <nav>
          {nav.map(([target, label]) => (
            <a key={target} href={`#/${target}`} class={page === target ? 'active' : ''} data-testid={`nav-${target}`}>
              {t(label)}
            </a>
          ))}
        </nav>
        <div class="top-tools">
          {languageSwitch}
          <button type="button" onClick={signOut} data-testid="signout">
            {t('signOut')}
          </button>
        </div>
      </header>
      <main>{content}</main>
    </Ctx.Provider>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
