import { CLUB_PROMPTS, PROMPT_KEYS } from '../../lib/config/module-schema';
import { codeName } from '../../panel/src/i18n';

const formPrompts = PROMPT_KEYS.filter((key) => !(Object.values(CLUB_PROMPTS) as string[]).includes(key));

describe('panel labels', () => {
  it.each(['en', 'fa'] as const)('names every prompt of the module form in %s', (lang) => {
    // codeName falls back to the raw code when a label is missing.
    expect(formPrompts.filter((key) => codeName(lang, `prompt.${key}`) === `prompt.${key}`)).toEqual([]);
  });

  it('gives Persian labels that differ from the English ones', () => {
    expect(formPrompts.filter((key) => codeName('fa', `prompt.${key}`) === codeName('en', `prompt.${key}`))).toEqual([]);
  });

  it.each(['en', 'fa'] as const)('names every prompt of the customer club form in %s', (lang) => {
    const names = Object.keys(CLUB_PROMPTS);
    expect(names.filter((name) => codeName(lang, `clubPrompt.${name}`) === `clubPrompt.${name}`)).toEqual([]);
    expect(names.filter((name) => codeName('fa', `clubPrompt.${name}`) === codeName('en', `clubPrompt.${name}`))).toEqual([]);
  });
});
