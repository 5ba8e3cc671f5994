/**
 * Answers each <Gather> as the caller would: from a scripted list (`--digits`, one entry per
 * gather, an empty entry is silence), or by asking on the terminal. With neither, or once
 * the list is used up, the caller stays silent — as a real caller who stops pressing keys.
 */
import { createInterface, type Interface } from 'node:readline';

/** What the caller is asked for: the gather's action URL (resolved) and its key limits. */
export interface GatherQuestion {
  action: string;
  numDigits?: number;
  finishOnKey?: string;
}

/** Interactive answer provider (tests pass one; the default reads the terminal). */
export type AskForDigits = (question: string, gather: { action: string; numDigits?: number }) => Promise<string>;

export interface GatherAnswererOptions {
  /** One entry per <Gather>; '' or an exhausted list means silence. */
  digits?: string[];
  /** Ask for each gather (only used when `digits` is not given). */
  interactive?: boolean;
  ask?: AskForDigits;
}

export interface GatherAnswerer {
  /** The digits pressed, or null for silence. */
  answer(gather: GatherQuestion): Promise<string | null>;
  /** Interactive only: asks one free question on the same terminal (the <Pay> answerer uses it). */
  askText?(question: string): Promise<string>;
  /** Releases the terminal, if one was opened. */
  close(): void;
}

export function gatherAnswerer(options: GatherAnswererOptions): GatherAnswerer {
  if (options.digits) return scriptedAnswerer([...options.digits]);
  if (options.interactive) return options.ask ? askingAnswerer(options.ask) : terminalAnswerer();
  return { answer: async () => null, close: () => undefined };
}

function scriptedAnswerer(queue: string[]): GatherAnswerer {
  return { answer: async () => queue.shift() || null, close: () => undefined };
}

function askingAnswerer(ask: AskForDigits, close: () => void = () => undefined): GatherAnswerer {
  return {
    answer: async (gather) => {
      const entry = (await ask(questionFor(gather), { action: gather.action, numDigits: gather.numDigits })).trim();
      return entry || null;
    },
    askText: (question) => ask(question, { action: '' }),
    close,
  };
}

function questionFor(gather: GatherQuestion): string {
  const limits = [
    gather.numDigits !== undefined ? `${gather.numDigits} digit(s)` : undefined,
    gather.finishOnKey !== undefined ? `finishOnKey "${gather.finishOnKey}"` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  return `⌨  Enter digits${limits ? ` (${limits})` : ''}, empty = silence: `;
}

/** Asks on the terminal; the prompt goes to stderr so `--json` output on stdout stays clean. */
function terminalAnswerer(): GatherAnswerer {
  let rl: Interface | undefined;
  const ask = (question: string): Promise<string> => {
    rl ??= createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    return askOnce(rl, question);
  };
  return askingAnswerer(ask, () => rl?.close());
}

/** One question; a closed terminal (Ctrl-D) answers silence rather than hanging the call. */
function askOnce(rl: Interface, question: string): Promise<string> {
  return new Promise((resolve) => {
    const onClose = (): void => resolve('');
    rl.once('close', onClose);
    rl.question(question, (answer) => {
      rl.off('close', onClose);
      resolve(answer);
    });
  });
}
