/** Guards the voice bundle's size budget (≤ 150 KB minified) and what must stay out of it. */
import { analyseBundle, type BundleReport } from '../../bench/bundle-analysis';

let voice: BundleReport;

beforeAll(async () => {
  voice = await analyseBundle('functions/voice.ts');
}, 60_000);

describe('the voice function bundle', () => {
  it('stays within 150 KB minified', () => {
    expect(voice.bytes).toBeLessThanOrEqual(150_000);
  });

  it('leaves out the configuration validator (zod) and the twilio REST client', () => {
    expect(voice.byPackage.zod).toBeUndefined();
    expect(voice.inputs.filter((file) => file.includes('twilio/lib/rest/'))).toEqual([]);
    expect(voice.byPackage.axios).toBeUndefined();
  });

  it('keeps the AWS SDK external (the Lambda runtime provides it)', () => {
    expect(Object.keys(voice.byPackage).filter((name) => name.startsWith('@aws-sdk/'))).toEqual([]);
  });
});
