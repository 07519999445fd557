import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections?: number;
  /** Seconds to run for; ignored when `amount` is given. */
  duration?: number;
  /** A fixed number of requests instead of a duration. */
  amount?: number;
  /** Changes each request before it is sent (e.g. a fresh Idempotency-Key or body). */
  setupRequest?: (request: { headers?: Record<string, string>; body?: string }) => {
    headers?: Record<string, string>;
    body?: string;
  };
}

export interface LoadResult {
  /** Successful (2xx) responses per second over the whole run. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Successful (2xx) responses. */
  requests: number;
  /** Non-2xx answers, connection errors and timeouts. */
  failed: number;
  /** What the failures were, for the log ('' when none). */
  failures: string;
  seconds: number;
}

/**
 * Drives one endpoint with autocannon (127.0.0.1 only). Only 2xx answers count as throughput; failures
 * (non-2xx, errors, timeouts) are counted and described so the caller can report them.
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  if (!new URL(options.url).hostname.startsWith('127.'))
    throw new Error(`refusing to load ${options.url}: 127.0.0.1 only`);
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    ...(options.body === undefined ? {} : { body: options.body }),
    connections: options.connections ?? 10,
    ...(options.amount === undefined ? { duration: options.duration ?? 5 } : { amount: options.amount }),
    timeout: 10,
    ...(options.setupRequest === undefined
      ? {}
      : { requests: [{ setupRequest: options.setupRequest as never }] }),
  });
  const ok = result['2xx'];
  if (ok === 0) throw new Error(`${options.method ?? 'GET'} ${options.url}: no successful request`);
  const failed = result.non2xx + result.errors;
  const failures =
    failed === 0
      ? ''
      : `${result.non2xx} non-2xx (4xx ${result['4xx']}, 5xx ${result['5xx']}) and ${result.errors} errors ` +
        `(${result.timeouts} timeouts) of ${result.requests.total} requests`;
  // `duration` is in seconds, from the first request to the last answer.
  return {
    perSecond: ok / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: ok,
    failed,
    failures,
    seconds: result.duration,
  };
}
