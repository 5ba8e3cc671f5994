/**
 * Which Chromium the browser tests drive, and with which flags. In order:
 *   1. CHROMIUM_PATH, when set;
 *   2. Debian's /usr/bin/chromium, when installed;
 *   3. the Chromium inside the @sparticuz/chromium npm package (a headless-shell build), so a
 *      fresh clone needs nothing but `npm ci`: no apt-get, and no browser download (the
 *      package's binary is in the registry tarball; it is only decompressed here).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Chromium from '@sparticuz/chromium';

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * playwright-core adds its own defaults (a throw-away --user-data-dir it removes on close,
 * --no-first-run, …). These keep the browser off the network: tests only talk to 127.0.0.1.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // From @sparticuz/chromium's recommended flags, the two that also stop background requests.
  '--disable-domain-reliability',
  '--no-pings',
];

export interface ChromiumChoice {
  readonly executablePath: string;
  /** Where the choice came from, for error messages. */
  readonly source: 'CHROMIUM_PATH' | 'Debian' | '@sparticuz/chromium';
}

export async function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumChoice> {
  if (env.CHROMIUM_PATH) return { executablePath: env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' };
  if (existsSync(DEBIAN_CHROMIUM)) return { executablePath: DEBIAN_CHROMIUM, source: 'Debian' };
  return { executablePath: await packagedChromium(), source: '@sparticuz/chromium' };
}

export class ChromiumUnpackError extends Error {
  override readonly name = 'ChromiumUnpackError';
}

/** How long a start waits for another process that is unpacking the browser (it takes a few seconds). */
const UNPACK_WAIT_MS = 120_000;

/**
 * @sparticuz/chromium decompresses its binary to $TMPDIR/chromium on first use and afterwards
 * trusts any file at that path. Two jest workers launching at once would race (one sees the
 * other's half-written file), and an unpack cut short would leave a broken browser for good.
 * So unpacking is done under a lock folder, and a marker naming the package version is written
 * only once the binary is complete; without the marker the file is unpacked anew.
 */
async function packagedChromium(): Promise<string> {
  const binary = join(tmpdir(), 'chromium');
  const marker = join(tmpdir(), 'chromium.balance-ivr-unpacked');
  const version = packageVersion();
  const unpacked = () => existsSync(binary) && readText(marker) === version;
  if (unpacked()) return binary;
  const lock = join(tmpdir(), 'chromium.balance-ivr-lock');
  await acquire(lock);
  try {
    if (unpacked()) return binary;
    rmSync(marker, { force: true });
    rmSync(binary, { force: true });
    const path = await Chromium.executablePath();
    if (path !== binary) throw new ChromiumUnpackError(`@sparticuz/chromium unpacked to ${path}, expected ${binary}`);
    writeFileSync(marker, version);
    return binary;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function packageVersion(): string {
  // The package's "exports" hide package.json; it sits two folders above the CommonJS entry.
  const packageJson = join(dirname(require.resolve('@sparticuz/chromium')), '..', '..', 'package.json');
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** mkdir is atomic: whoever creates the folder holds the lock. A lock older than the wait is left over from a killed process. */
async function acquire(lock: string): Promise<void> {
  const deadline = Date.now() + UNPACK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > UNPACK_WAIT_MS) rmSync(lock, { recursive: true, force: true });
    else if (Date.now() > deadline)
      throw new ChromiumUnpackError(`another process has been unpacking Chromium for over ${UNPACK_WAIT_MS / 1000} s (lock ${lock})`);
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
