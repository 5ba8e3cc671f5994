import { gatherAnswerer, type AskForDigits } from '../../../tools/simulator/gather-answerer';

const gather = { action: 'http://127.0.0.1:3000/voice/main/account', numDigits: 11, finishOnKey: '#' };

describe('gatherAnswerer from --digits', () => {
  it('answers each gather with the next entry, in order', async () => {
    const answerer = gatherAnswerer({ digits: ['09121234567', '1'] });
    expect(await answerer.answer(gather)).toBe('09121234567');
    expect(await answerer.answer(gather)).toBe('1');
  });

  it('answers silence for an empty entry and goes on with the next one', async () => {
    const answerer = gatherAnswerer({ digits: ['', '2'] });
    expect(await answerer.answer(gather)).toBeNull();
    expect(await answerer.answer(gather)).toBe('2');
  });

  it('answers silence once the entries are used up', async () => {
    const answerer = gatherAnswerer({ digits: ['1'] });
    await answerer.answer(gather);
    expect(await answerer.answer(gather)).toBeNull();
    expect(await answerer.answer(gather)).toBeNull();
  });

  it('does not consume the caller-owned list', async () => {
    const digits = ['1', '2'];
    await gatherAnswerer({ digits }).answer(gather);
    expect(digits).toEqual(['1', '2']);
  });

  it('uses the entries rather than asking when both are given', async () => {
    let asked = 0;
    const ask: AskForDigits = async () => {
      asked += 1;
      return '9';
    };
    const answerer = gatherAnswerer({ digits: ['1'], interactive: true, ask });
    expect(await answerer.answer(gather)).toBe('1');
    expect(await answerer.answer(gather)).toBeNull();
    expect(asked).toBe(0);
  });
});

describe('gatherAnswerer asking', () => {
  it('asks with the gather limits and answers the trimmed reply', async () => {
    const asked: Parameters<AskForDigits>[] = [];
    const answerer = gatherAnswerer({
      interactive: true,
      ask: async (...args) => {
        asked.push(args);
        return ' 0912 ';
      },
    });
    expect(await answerer.answer(gather)).toBe('0912');
    expect(asked).toEqual([['⌨  Enter digits (11 digit(s), finishOnKey "#"), empty = silence: ', { action: gather.action, numDigits: 11 }]]);
  });

  it('answers silence for an empty or blank reply', async () => {
    const replies = ['', '   '];
    const answerer = gatherAnswerer({ interactive: true, ask: async () => replies.shift() ?? '' });
    expect(await answerer.answer({ action: gather.action })).toBeNull();
    expect(await answerer.answer({ action: gather.action })).toBeNull();
  });
});

describe('gatherAnswerer with neither', () => {
  it('answers silence to every gather', async () => {
    const answerer = gatherAnswerer({});
    expect(await answerer.answer(gather)).toBeNull();
    answerer.close();
  });
});
