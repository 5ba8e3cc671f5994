/** Labelled inputs with their hint and, next to them, the API's message for that field. */
import type { ComponentChildren } from 'preact';
import { useApp } from '../app-context';
import { currencyName } from '../money';

export function Field(props: { id: string; label: string; hint?: string | undefined; error?: string | undefined; children: ComponentChildren }) {
  return (
    <div class={`field${props.error ? ' has-error' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="field-error" role="alert" data-error-for={props.id}>
          {props.error}
        </p>
      )}
    </div>
  );
}

export function Check(props: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
  hint?: string | undefined;
  reason?: string | undefined;
  error?: string | undefined;
}) {
  return (
    <div class={`field check${props.error ? ' has-error' : ''}${props.disabled ? ' is-disabled' : ''}`}>
      <label>
        <input
          type="checkbox"
          id={props.id}
          checked={props.checked}
          disabled={props.disabled}
          aria-describedby={props.reason ? `${props.id}-reason` : undefined}
          onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked)}
        />
        <span>{props.label}</span>
      </label>
      {props.hint && <p class="hint">{props.hint}</p>}
      {props.reason && (
        <p class="reason" id={`${props.id}-reason`}>
          {props.reason}
        </p>
      )}
      {props.error && (
        <p class="field-error" role="alert" data-error-for={props.id}>
          {props.error}
        </p>
      )}
    </div>
  );
}

export function ErrorBanner(props: { message?: string | undefined; list?: { field: string; message: string }[] }) {
  if (!props.message) return null;
  return (
    <div class="banner error" role="alert">
      <p>{props.message}</p>
      {props.list && props.list.length > 0 && (
        <ul>
          {props.list.map((e) => (
            <li key={e.field}>
              <code>{e.field}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A form's save and cancel buttons; a sticky bar also says when the save went through. */
export function FormActions(props: { busy: boolean; saveTestId: string; saveLabel?: string; onCancel: () => void; sticky?: boolean; saved?: boolean }) {
  const { t } = useApp();
  return (
    <div class={props.sticky ? 'actions sticky' : 'actions'}>
      <button type="submit" class="primary" disabled={props.busy} data-testid={props.saveTestId}>
        {props.busy ? t('saving') : (props.saveLabel ?? t('save'))}
      </button>
      <button type="button" onClick={props.onCancel}>
        {t('cancel')}
      </button>
      {props.saved && (
        <span class="saved" role="status" data-testid="module-saved">
          {t('saved')}
        </span>
      )}
    </div>
  );
}

/** A module's currency: IRR announced in rials or in tomans, or another ISO 4217 currency (meta.currencies). */
export function CurrencyField(props: { id: string; value: string; error?: string | undefined; onChange: (choice: string) => void }) {
  const { t, meta, lang } = useApp();
  return (
    <Field id={props.id} label={t('fCurrency')} hint={t('fCurrencyHint')} error={props.error}>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <option value="IRR:rial">{t('unitRial')}</option>
        <option value="IRR:toman">{t('unitToman')}</option>
        {meta.currencies
          .filter((code) => code !== 'IRR')
          .map((code) => (
            <option key={code} value={code}>
              {currencyName(lang, code)}
            </option>
          ))}
      </select>
    </Field>
  );
}
