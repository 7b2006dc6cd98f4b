import { useEffect, useRef } from 'react';
import { toast } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { copyText } from '../conversation/copy-transcript.js';

/**
 * A secret the server shows once (a new API key, a webhook's signing secret): the value with a
 * Copy button, and Done to put it away. The focus moves to Copy, so a keyboard user is on it at once.
 */
export function SecretOnce(props: {
  /** What it belongs to (the key's name, the webhook's URL). */
  title: string;
  /** "Copy it now: it is shown only once." */
  notice: string;
  copyLabel: string;
  copied: string;
  value: string;
  testId: string;
  onDone: () => void;
}) {
  const { title, notice, copyLabel, copied, value, testId, onDone } = props;
  const t = useT();
  const copy = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    copy.current?.focus();
  }, []);
  return (
    <div className="secret-once" role="status">
      <p>
        <strong>{title}</strong>
      </p>
      <p>{notice}</p>
      <p className="secret-value">
        <code data-testid={testId}>{value}</code>
      </p>
      <div className="form-actions">
        <button
          type="button"
          className="button primary"
          ref={copy}
          onClick={() => {
            void copyText(value).then(() => toast(copied));
          }}
        >
          {copyLabel}
        </button>
        <button type="button" className="button" onClick={onDone}>
          {t('console.secret.done')}
        </button>
      </div>
    </div>
  );
}
