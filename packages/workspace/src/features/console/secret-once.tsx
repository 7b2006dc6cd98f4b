import { useEffect, useRef } from 'react';
import { toast } from '../../app/store.js';
import { copyText } from '../conversation/copy-transcript.js';

/**
 * A secret the server shows once (a new API key, a webhook's signing secret): the value with a
 * Copy button, and Done to put it away. The focus moves to Copy, so a keyboard user is on it at once.
 */
export function SecretOnce({ title, what, value, testId, onDone }: { title: string; what: string; value: string; testId: string; onDone: () => void }) {
  const copy = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    copy.current?.focus();
  }, []);
  return (
    <div className="secret-once" role="status">
      <p>
        <strong>{title}</strong>: copy the {what} now, it is shown only once.
      </p>
      <p className="secret-value">
        <code data-testid={testId}>{value}</code>
      </p>
      <div className="form-actions">
        <button
          type="button"
          className="button primary"
          ref={copy}
          onClick={() => {
            void copyText(value).then(() => toast(`The ${what} is on the clipboard`));
          }}
        >
          Copy {what}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
