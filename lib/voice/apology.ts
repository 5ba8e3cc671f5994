/**
 * The only TwiML the product sends when it cannot do better: an apology, then a hang-up.
 * Voice steps use it for unknown or disabled modules and malformed requests; the webhook
 * middleware's fallback (an error escaped the step) uses it too, in the default language.
 */
import type { Language, ModuleConfig } from '../config/module-schema';
import { speechSettings, type SpeechSettings } from '../speech/module-prompts';
import type { Speech } from '../speech/speech';
import { renderTwiml } from './render-twiml';

export async function renderApology(speech: Speech, settings: SpeechSettings): Promise<string> {
  const segments = await speech.render([{ prompt: 'apology' }], settings);
  return renderTwiml([{ kind: 'say', segments }, { kind: 'hangup' }]);
}

/** The apology in the module's language and prompts, or in the default language when there is no module. */
export function moduleApology(deps: { readonly speech: Speech; readonly defaultLanguage: Language }, module: ModuleConfig | undefined): Promise<string> {
  return renderApology(deps.speech, module ? speechSettings(module) : { language: deps.defaultLanguage, prompts: {} });
}
