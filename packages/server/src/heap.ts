import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * One full garbage collection once the server listens. Start-up leaves tens of MB of garbage (module
 * sources parsed, schemas built, migrations checked) and a young generation grown to its maximum;
 * a server that then sits idle never collects it, so its RSS stays at its start-up peak. This one
 * collection frees that garbage and starts V8's memory reducer, which, seeing the server idle,
 * shrinks the heap and gives the pages back within about half a minute (docs/scaling.md,
 * "Memory"). Under load nothing changes: the collector runs as it always does.
 */
export function settleHeap(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
}
