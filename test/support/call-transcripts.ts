/** What tests read from a simulated call's transcript: the text spoken, the clips played, both. */
import type { Transcript } from '../../tools/simulator/call-simulator';

/** Everything the call spoke with <Say>, in order, as one string. */
export const said = (t: Transcript): string => t.events.flatMap((e) => (e.type === 'say' ? [e.text] : [])).join(' ');

/** The file names of the audio the call played, in order. */
export const played = (t: Transcript): Array<string | undefined> => t.events.flatMap((e) => (e.type === 'play' ? [e.url.split('/').pop()] : []));

/** What the caller heard, spoken or played (a clip by its transcript), in order, as one string. */
export const heard = (t: Transcript): string => t.events.flatMap((e) => (e.type === 'say' ? [e.text] : e.type === 'play' ? [e.transcript] : [])).join(' ');
