/**
 * A synthesizer behind a circuit breaker: after a few failures in a row (Azure down, a refused
 * key, throttling), calls fail at once for a while instead of each costing a caller the whole
 * synthesis timeout; the caller hears the clip pack saying the same words meanwhile. One trial
 * call after the open period decides whether the engine is back.
 */
import type { CircuitBreaker } from '../domain/circuit-breaker';
import { SynthesisFailedError, type SpeechSynthesizer, type SynthesisRequest } from './speech-synthesizer';

export class GuardedSynthesizer implements SpeechSynthesizer {
  constructor(
    private readonly inner: SpeechSynthesizer & { readonly variant?: string },
    private readonly breaker: CircuitBreaker,
  ) {}

  /** The inner engine's settings: the breaker changes no audio, so it is no part of a cache key. */
  get variant(): string | undefined {
    return this.inner.variant;
  }

  async synthesize(request: SynthesisRequest): Promise<Uint8Array> {
    if (!this.breaker.allow()) throw new SynthesisFailedError('speech synthesis paused after repeated failures (circuit open)');
    try {
      const audio = await this.inner.synthesize(request);
      this.breaker.succeeded();
      return audio;
    } catch (error) {
      this.breaker.failed();
      throw error;
    }
  }
}
