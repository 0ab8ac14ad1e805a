/**
 * Runs around one patched Sequelize call. Must call `next()` exactly once and return (or
 * throw) exactly what it returned (or threw).
 */
export type Interceptor<Call> = (call: Call, next: () => Promise<unknown>) => Promise<unknown>;

/** Told about an interceptor that threw; the call itself goes on unharmed. */
export type InterceptorErrorHandler = (error: unknown) => void;

/**
 * Runs `original` through the interceptors, outermost first, and settles exactly as
 * `original` settled, whatever the interceptors do: an interceptor that throws before calling
 * `next()` is skipped, one that never calls it has it called for it, and one that throws or
 * returns something else afterwards cannot change the outcome. Every such fault is reported
 * to `onError`.
 */
export function runInterceptorChain<Call>(
  call: Call,
  interceptors: readonly Interceptor<Call>[],
  original: () => Promise<unknown>,
  onError: InterceptorErrorHandler,
): Promise<unknown> {
  const dispatch = (index: number): Promise<unknown> => {
    if (index === interceptors.length) return original();
    let downstream: Promise<unknown> | undefined;
    const next = (): Promise<unknown> => (downstream ??= dispatch(index + 1));
    let intercepted: Promise<unknown>;
    try {
      intercepted = interceptors[index](call, next);
    } catch (error) {
      onError(error);
      return next();
    }
    // A pass-through interceptor handed back the downstream promise itself: it already settles
    // exactly as the original does, and skipping the re-chaining saves promises and ticks.
    if (downstream !== undefined && intercepted === downstream) return downstream;
    return Promise.resolve(intercepted).then(next, (error: unknown) => {
      if (!downstream) {
        onError(error);
        return next();
      }
      return downstream.then(
        (value) => {
          onError(error);
          return value;
        },
        (downstreamError: unknown) => {
          if (downstreamError !== error) onError(error);
          throw downstreamError;
        },
      );
    });
  };
  return dispatch(0);
}
