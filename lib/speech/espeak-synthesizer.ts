/**
 * SpeechSynthesizer on espeak-ng, the offline Persian voice: a spawned process (Debian's
 * `espeak-ng`, or any command that takes the same options) reads the text on stdin and writes
 * a WAV on stdout. Robotic, but it speaks any text with no network. Not in Lambda (no binary;
 * README "Speech" says why the npm builds were not taken), so locally and for the clip pack.
 */
import { spawn } from 'node:child_process';
import { SynthesisFailedError, type SpeechSynthesizer, type SynthesisRequest } from './speech-synthesizer';

export interface EspeakOptions {
  /** The executable: `espeak-ng` from PATH, or a path. */
  readonly command: string;
  /** Words per minute (-s), pitch 0–99 (-p), amplitude (-a), extra pause between words in 10 ms units (-g). */
  readonly speed: number;
  readonly amplitude: number;
  readonly pitch: number;
  readonly wordGap: number;
  readonly timeoutMs: number;
}

/**
 * The options the clip pack is generated with (README "Speech" compares them with the old
 * `-v fa -s 150`): the Klatt variant has clean formants where the default buzzes above 2.5 kHz,
 * amplitude 70 keeps it from clipping (it clips 130 samples a sentence at 100), 170 words/min.
 */
export const ESPEAK_DEFAULTS: Omit<EspeakOptions, 'command' | 'timeoutMs'> & { readonly voice: string } = {
  voice: 'fa+klatt4',
  speed: 170,
  pitch: 45,
  amplitude: 70,
  wordGap: 0,
};

/** espeak-ng's arguments for a voice (`fa`, `fa+m3`, …); the text goes to stdin, so it is never read as an option. */
export function espeakArguments(voice: string, options: Pick<EspeakOptions, 'speed' | 'pitch' | 'amplitude' | 'wordGap'>): string[] {
  return ['-v', voice, '-s', String(options.speed), '-p', String(options.pitch), '-a', String(options.amplitude), '-g', String(options.wordGap), '--stdout'];
}

export class EspeakSynthesizer implements SpeechSynthesizer {
  constructor(private readonly options: EspeakOptions) {}

  get variant(): string {
    return espeakArguments('', this.options).slice(2, -1).join(' ');
  }

  synthesize(request: SynthesisRequest): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.options.command, espeakArguments(request.voice, this.options), { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let errors = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new SynthesisFailedError(`${this.options.command} did not finish within ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => void (errors = (errors + chunk.toString()).slice(-500)));
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new SynthesisFailedError(`${this.options.command} could not start: ${error.message}`));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        const wav = Buffer.concat(out);
        if (code !== 0 || wav.length <= 44)
          reject(new SynthesisFailedError(`${this.options.command} failed (exit ${code}): ${errors.trim()}`, code ?? undefined));
        else resolve(new Uint8Array(wav));
      });
      child.stdin.on('error', () => undefined); // a process that exits early closes its stdin
      child.stdin.end(request.text);
    });
  }
}
