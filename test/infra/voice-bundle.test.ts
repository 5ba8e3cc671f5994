/**
 * Guards what must stay out of the voice bundle. Its size against the 150 KB target is a
 * bench figure (`npm run bench`), reported with the parts that make it up.
 */
import { analyseBundle, type BundleReport } from '../../bench/bundle-analysis';

let voice: BundleReport;

beforeAll(async () => {
  voice = await analyseBundle('functions/voice.ts');
}, 60_000);

describe('the voice function bundle', () => {
  it('leaves out the configuration validator (zod): the call path only needs the constants', () => {
    expect(voice.inputs.filter((file) => file.includes('node_modules/zod/'))).toEqual([]);
  });

  it('leaves out the twilio REST client and its HTTP stack', () => {
    expect(voice.inputs.filter((file) => file.includes('twilio/lib/rest/'))).toEqual([]);
    expect(voice.byPackage.axios).toBeUndefined();
  });

  it('keeps the AWS SDK external (the Lambda runtime provides it)', () => {
    expect(Object.keys(voice.byPackage).filter((name) => name.startsWith('@aws-sdk/'))).toEqual([]);
  });
});
