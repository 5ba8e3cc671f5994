/**
 * What every AWS SDK client the product builds gets, in one place:
 *  - each request is aborted when the current request's deadline passes (deadline-scope.ts),
 *    so a slow DynamoDB, S3, Polly or SSM never holds a call step past its deadline;
 *  - command observers see every command sent (client, command, input). Nothing observes in
 *    production; the IAM coverage test records what each function really sends through it.
 * The SDK reads `config.requestHandler` on every send, so wrapping it after construction
 * needs no import of the SDK's own HTTP handler packages (which would enter the bundles).
 */
import { currentRemainingMs } from './deadline-scope';

export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';
}

export interface SentCommand {
  /** e.g. DynamoDBClient, S3Client. */
  readonly client: string;
  /** e.g. PutItemCommand. */
  readonly command: string;
  readonly input: Readonly<Record<string, unknown>>;
}

export type CommandObserver = (command: SentCommand) => void;

// One set per process, however many copies of this module are loaded (a test's isolated
// module registries, a bundle next to the sources).
const OBSERVERS = Symbol.for('balance-ivr.aws-command-observers');
const observers: Set<CommandObserver> = ((globalThis as Record<symbol, unknown>)[OBSERVERS] as Set<CommandObserver> | undefined) ?? new Set<CommandObserver>();
(globalThis as Record<symbol, unknown>)[OBSERVERS] = observers;

/** Sees every command every client sends from now on; returns the function that stops it. */
export function observeAwsCommands(observer: CommandObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

type HandlerOptions = { abortSignal?: AbortSignal } & Record<string, unknown>;
type RequestHandlerLike = { handle(request: unknown, options?: HandlerOptions): Promise<unknown> };
type Middleware = (
  next: (args: { input: Record<string, unknown> }) => Promise<unknown>,
  context: { clientName?: string; commandName?: string },
) => (args: { input: Record<string, unknown> }) => Promise<unknown>;

/** The parts of an SDK v3 client this module touches. */
export interface SdkClient {
  readonly config: object;
  readonly middlewareStack: { add(middleware: Middleware, options: { step: 'initialize'; name: string; override?: boolean }): void };
}

function boundedHandler(inner: RequestHandlerLike, clock: () => number): RequestHandlerLike {
  const handle = (request: unknown, options: HandlerOptions = {}) => {
    const left = currentRemainingMs(clock);
    if (left === undefined) return inner.handle(request, options);
    if (left <= 0) return Promise.reject(new DeadlineExceededError('the step deadline passed before the request was sent'));
    const timeout = AbortSignal.timeout(left);
    return inner.handle(request, { ...options, abortSignal: options.abortSignal ? AbortSignal.any([options.abortSignal, timeout]) : timeout });
  };
  // Everything else (metadata such as the HTTP/2 protocol, destroy, config updates) is the inner handler's.
  return new Proxy(inner, {
    get(target, property) {
      if (property === 'handle') return handle;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Bounds the client's requests by the current deadline and lets observers see its commands. */
export function setUpSdkClient<C extends SdkClient>(client: C, clock: () => number = Date.now): C {
  const config = client.config as { requestHandler?: RequestHandlerLike };
  if (config.requestHandler && typeof config.requestHandler.handle === 'function') config.requestHandler = boundedHandler(config.requestHandler, clock);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (observers.size > 0) {
        const sent: SentCommand = { client: context.clientName ?? 'unknown', command: context.commandName ?? 'unknown', input: args.input };
        for (const observer of observers) observer(sent);
      }
      return next(args);
    },
    { step: 'initialize', name: 'balanceIvrCommandObservers', override: true },
  );
  return client;
}
