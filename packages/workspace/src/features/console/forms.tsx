import { cloneElement, isValidElement, type ReactElement, type ReactNode, useId, useState } from 'react';
import { toast } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { ApiError } from '../../lib/api.js';

/** Field errors by path, from the API's problem JSON (`errors[].path` is `body.a.b`); `_` holds the problem's detail. */
export type FieldErrors = Record<string, string>;

export function problemErrors(err: unknown): FieldErrors {
  if (!(err instanceof ApiError)) return { _: String(err) };
  const out: FieldErrors = {};
  for (const e of err.problem.errors ?? []) out[e.path.replace(/^body\.?/, '') || '_'] = e.message;
  if (Object.keys(out).length === 0) out._ = err.message;
  return out;
}

/** Runs a request; on failure returns the field errors (and toasts the problem's detail). */
export function useSubmit(): [FieldErrors, boolean, (fn: () => Promise<unknown>, ok?: string) => Promise<boolean>] {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  async function run(fn: () => Promise<unknown>, ok?: string): Promise<boolean> {
    setBusy(true);
    try {
      await fn();
      setErrors({});
      if (ok) toast(ok);
      return true;
    } catch (err) {
      setErrors(problemErrors(err));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return [errors, busy, run];
}

/** The error key for a path: the path itself or the first one under it. */
const errorKey = (errors: FieldErrors, path: string) => Object.keys(errors).find((k) => k === path || k.startsWith(`${path}.`));

/** The API's error for a path, or the first error under it, shown next to the field. */
export function FieldError({ errors, path, id }: { errors: FieldErrors; path: string; id?: string }) {
  const key = errorKey(errors, path);
  if (!key) return null;
  return (
    <span className="field-error" role="alert" data-path={path} id={id}>
      {errors[key]}
    </span>
  );
}

export function FormError({ errors }: { errors: FieldErrors }) {
  const t = useT();
  const paths = Object.keys(errors);
  if (paths.length === 0) return null;
  return (
    <p className="field-error" role="alert">
      {errors._ ?? t('console.forms.correctFields')}
    </p>
  );
}

/** The end of a form: the error summary, then the submit button (disabled while the request runs), and Cancel when given. */
export function FormSubmit({
  errors,
  busy,
  children,
  onCancel,
}: {
  errors: FieldErrors;
  busy: boolean;
  children: ReactNode;
  onCancel?: (() => void) | undefined;
}) {
  const t = useT();
  const submit = (
    <button type="submit" className="button primary" disabled={busy}>
      {children}
    </button>
  );
  return (
    <>
      <FormError errors={errors} />
      {onCancel ? (
        <div className="form-actions">
          {submit}
          <button type="button" className="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      ) : (
        submit
      )}
    </>
  );
}

/**
 * The control with its error as its description: the error follows the label (not inside it), so it
 * is not part of the control's name, and a screen reader reads it with the field.
 */
function withError(children: ReactNode, invalid: boolean, errorId: string, extra: Record<string, unknown> = {}): ReactNode {
  return isValidElement(children)
    ? cloneElement(children as ReactElement<Record<string, unknown>>, {
        ...extra,
        'aria-invalid': invalid || undefined,
        'aria-describedby': invalid ? errorId : undefined,
      })
    : children;
}

export function Field({ label, path, errors, children }: { label: string; path: string; errors: FieldErrors; children: ReactNode }) {
  const errorId = useId();
  const control = withError(children, errorKey(errors, path) !== undefined, errorId);
  return (
    <div className="field-wrap">
      {/* biome-ignore lint/a11y/noLabelWithoutControl: the control is the child passed in */}
      <label className="field">
        <span>{label}</span>
        {control}
      </label>
      <FieldError errors={errors} path={path} id={errorId} />
    </div>
  );
}

/**
 * A one-field form (a search, a new category): the label above like every field, then the control
 * and its button side by side at the same height, then the error.
 */
export function InlineField(props: { label: string; button: ReactNode; path?: string; errors?: FieldErrors; children: ReactNode }) {
  const { label, button, path = '', errors = {}, children } = props;
  const id = useId();
  const errorId = useId();
  return (
    <div className="field inline-field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <div className="inline-row">
        {withError(children, path !== '' && errorKey(errors, path) !== undefined, errorId, { id })}
        {button}
      </div>
      {path ? <FieldError errors={errors} path={path} id={errorId} /> : null}
    </div>
  );
}

/** A number input kept as a string so an empty or wrong value reaches the API and comes back as its error. */
/**
 * A form's body as the manager typed it, for any endpoint: the console sends what was typed (a
 * number field with letters stays a string, see `num`) and the server's validation answers with
 * the field's error (problemErrors), so the type is not what checks it.
 */
export const typed = (body: Record<string, unknown>): never => body as never;

export const num = (s: string): number | string => (s.trim() === '' || Number.isNaN(Number(s)) ? s : Number(s));
