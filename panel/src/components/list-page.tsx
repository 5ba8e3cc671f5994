/** What the list pages share: their heading with the add button, and changes that reload the list. */
import { api, messageWithUsedBy } from '../api';
import { useApp } from '../app-context';
import { ErrorBanner } from './field';

export function ListPageHead(props: { title: string; intro: string; addLabel: string; addTestId: string; onAdd: () => void; error: string | undefined }) {
  return (
    <>
      <header class="page-head">
        <h1>{props.title}</h1>
        <button class="primary" onClick={props.onAdd} data-testid={props.addTestId}>
          {props.addLabel}
        </button>
      </header>
      <p class="intro">{props.intro}</p>
      <ErrorBanner message={props.error} />
    </>
  );
}

/**
 * A change from a list page reloads the list; a refusal is shown with what still uses the item
 * (the API names it when a delete would leave a module or destination pointing nowhere).
 */
export function useListChanges(reload: () => Promise<unknown>, setError: (message: string | undefined) => void) {
  const { t } = useApp();
  const change = async (path: string, method: string) => {
    setError(undefined);
    try {
      await api(path, { method });
      await reload();
    } catch (e) {
      setError(messageWithUsedBy(e));
    }
  };
  const remove = async (name: string, path: string) => {
    if (!confirm(t('confirmDelete', name))) return;
    await change(path, 'DELETE');
  };
  return { change, remove };
}
