/**
 * Place a simulated call against a running stack.
 *
 *   npm run call -- <code> --from <number> [--digits <keys>] [--pay <results>] [--json]
 *                  [--to <number>] [--base <url>] [--call-sid <CA...>] [--no-status]
 */
import { callSucceeded, placeCall, type PlaceCallOptions } from '../tools/simulator/call-simulator';
import { formatEvent, formatTranscript } from '../tools/simulator/format-transcript';
import { isPayAnswer, PAY_ANSWERS, type PayAnswer } from '../tools/simulator/pay-answerer';

const USAGE = `Usage: npm run call -- <code> --from <number> [options]

Drives a running stack exactly as Twilio would and prints a transcript.

Options:
  --from <number>     caller number (required), e.g. +989121234567
  --to <number>       called number (default +15550001000)
  --digits <keys>     answers, one comma-separated entry per <Gather>;
                      an empty entry means silence (e.g. ",1").
                      Without --digits and on a terminal, you are asked.
  --pay <results>     answers, one comma-separated entry per <Pay> (card
                      payment in the call), posted to its action as Twilio
                      would: success, decline, connector-error, timeout,
                      too-many-attempts, star, hangup, validation-error,
                      internal-error (e.g. "decline,success"); none left
                      = the caller types nothing (a timeout).
  --json              print the transcript as one JSON document on stdout
  --base <url>        stack base URL (default $PUBLIC_BASE_URL or
                      http://localhost:$PORT, PORT defaults to 3000)
  --call-sid <sid>    use this CallSid instead of a random one
  --no-status         do not send the completed status callback
  -h, --help          show this help

Environment: TWILIO_AUTH_TOKEN (default local-dev-auth-token), TWILIO_ACCOUNT_SID.`;

interface CliArgs {
  code: string;
  from: string;
  to?: string;
  digits?: string[];
  pay?: PayAnswer[];
  json: boolean;
  base?: string;
  callSid?: string;
  status: boolean;
}

class UsageError extends Error {}

export function parseArgs(argv: string[]): CliArgs | 'help' {
  const positional: string[] = [];
  const out: Partial<CliArgs> = { json: false, status: true };
  const valueFlags = new Set(['--from', '--to', '--digits', '--pay', '--base', '--call-sid']);
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] as string;
    if (raw === '-h' || raw === '--help') return 'help';
    if (raw === '--json') {
      out.json = true;
      continue;
    }
    if (raw === '--no-status') {
      out.status = false;
      continue;
    }
    let flag = raw;
    let value: string | undefined;
    const eq = raw.indexOf('=');
    if (raw.startsWith('--') && eq > 0) {
      flag = raw.slice(0, eq);
      value = raw.slice(eq + 1);
    }
    if (valueFlags.has(flag)) {
      if (value === undefined) {
        value = argv[i + 1];
        i++;
      }
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      switch (flag) {
        case '--from':
          out.from = value;
          break;
        case '--to':
          out.to = value;
          break;
        case '--digits':
          out.digits = value.split(',').map((d) => d.trim());
          break;
        case '--pay': {
          const answers = value.split(',').map((d) => d.trim());
          const wrong = answers.find((a) => !isPayAnswer(a));
          if (wrong !== undefined) throw new UsageError(`--pay: "${wrong}" is not one of ${PAY_ANSWERS.join(', ')}`);
          out.pay = answers as PayAnswer[];
          break;
        }
        case '--base':
          out.base = value;
          break;
        case '--call-sid':
          out.callSid = value;
          break;
      }
      continue;
    }
    if (raw.startsWith('-') && raw !== '-') throw new UsageError(`unknown option ${raw}`);
    positional.push(raw);
  }
  if (positional.length === 0) throw new UsageError('missing <code>');
  if (positional.length > 1) throw new UsageError(`unexpected argument ${positional[1]}`);
  if (!out.from) throw new UsageError('--from <number> is required');
  if (out.callSid !== undefined && !/^CA[0-9a-fA-F]{32}$/.test(out.callSid)) {
    throw new UsageError('--call-sid must be CA followed by 32 hex characters');
  }
  if (out.base !== undefined) {
    try {
      new URL(out.base);
    } catch {
      throw new UsageError(`--base is not a valid URL: ${out.base}`);
    }
  }
  return { ...(out as Omit<CliArgs, 'code'>), code: positional[0] as string };
}

function defaultBaseUrl(): string {
  const fromEnv = process.env.PUBLIC_BASE_URL;
  if (fromEnv && fromEnv.trim()) return fromEnv.trim();
  return `http://localhost:${process.env.PORT || 3000}`;
}

async function main(): Promise<number> {
  let args: CliArgs | 'help';
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const baseUrl = args.base ?? defaultBaseUrl();
  const interactive = args.digits === undefined && process.stdin.isTTY === true;
  const extraParams: Record<string, string> = {};
  const accountSid = process.env.TWILIO_ACCOUNT_SID;
  if (accountSid && /^AC[0-9a-fA-F]{32}$/.test(accountSid)) extraParams.AccountSid = accountSid;

  const opts: PlaceCallOptions = {
    baseUrl,
    code: args.code,
    from: args.from,
    to: args.to,
    digits: args.digits,
    pay: args.pay,
    interactive,
    authToken: process.env.TWILIO_AUTH_TOKEN || undefined,
    callSid: args.callSid,
    statusCallback: args.status,
    extraParams,
  };
  if (interactive) {
    // Show what the caller hears as it happens, so the gather questions make sense.
    opts.onEvent = (e) => {
      if (e.type === 'request' || e.type === 'gather') return;
      const line = formatEvent(e);
      if (line) process.stderr.write(`  ${line}\n`);
    };
  }

  const transcript = await placeCall(opts);

  if (args.json) {
    process.stdout.write(`${JSON.stringify(transcript, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatTranscript(transcript)}\n`);
  }

  const refused = transcript.events.some((e) => e.type === 'http-error' && e.status === 0 && /ECONNREFUSED|ENOTFOUND|fetch failed/i.test(e.body));
  if (refused) {
    process.stderr.write(`\nCould not connect to ${baseUrl}. Is the stack running? Start it with npm start\n`);
  }
  return callSucceeded(transcript) ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
