/**
 * The only TwiML the product sends when it cannot do better: an apology, then a hang-up.
 * Voice steps use it for unknown or disabled modules and malformed requests; the webhook
 * middleware's fallback (an error escaped the step) uses it too, in the default language.
 */
import type { SpeechSettings } from '../speech/module-prompts';
import type { Speech } from '../speech/speech';
import { renderTwiml } from './render-twiml';

export async function renderApology(speech: Speech, settings: SpeechSettings): Promise<string> {
  const segments = await speech.render([{ prompt: 'apology' }], settings);
  return renderTwiml([{ kind: 'say', segments }, { kind: 'hangup' }]);
}
