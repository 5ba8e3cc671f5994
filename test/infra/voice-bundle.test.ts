/**
 * Guards what must stay out of the voice bundle. Its size against the 150 KB target is a
 * bench figure (`npm run bench`), reported with the parts that make it up.
 */
import { analyseBundle, type BundleReport } from '../../bench/bundle-analysis';

let voice: BundleReport;
let callPath: BundleReport;

beforeAll(async () => {
  voice = await analyseBundle('functions/voice.ts');
  // The call path itself (the step, flows, CRMs, speech, stores), without the shared
  // composition that also wires the admin's services.
  callPath = await analyseBundle('lib/voice/voice-step.ts');
}, 60_000);

describe('the voice function bundle', () => {
  it('keeps the configuration validator (zod) out of the call path: it only needs the constants', () => {
    expect(callPath.inputs.filter((file) => file.includes('node_modules/zod/'))).toEqual([]);
  });

  it('leaves out the twilio REST client and its HTTP stack', () => {
    expect(voice.inputs.filter((file) => file.includes('twilio/lib/rest/'))).toEqual([]);
    expect(voice.byPackage.axios).toBeUndefined();
  });

  it('keeps the AWS SDK external (the Lambda runtime provides it)', () => {
    expect(Object.keys(voice.byPackage).filter((name) => name.startsWith('@aws-sdk/'))).toEqual([]);
  });
});
