/** What to do once a traced call settled: `failed` tells a rejection from a fulfilment. */
export type SettlementObserver = (result: unknown, error: unknown, failed: boolean) => void;

/**
 * Calls `observer` when `downstream` settles and hands back `downstream` itself, so the caller
 * sees exactly what the original call produced, with no promise added in between (each one
 * costs a hook call per AsyncLocalStorage). The observer is registered before the caller's
 * own reactions, so it runs (the span ends) before the caller resumes. An observer that
 * throws is reported to `onError`, never surfaced.
 */
export function observeSettlement(
  downstream: Promise<unknown>,
  observer: SettlementObserver,
  onError: (error: unknown) => void,
): Promise<unknown> {
  downstream.then(
    (result) => notify(observer, result, undefined, false, onError),
    (error: unknown) => notify(observer, undefined, error, true, onError),
  );
  return downstream;
}

function notify(
  observer: SettlementObserver,
  result: unknown,
  error: unknown,
  failed: boolean,
  onError: (error: unknown) => void,
): void {
  try {
    observer(result, error, failed);
  } catch (observerError) {
    onError(observerError);
  }
}
