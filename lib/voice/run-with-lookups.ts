/**
 * The loop every module kind runs for one webhook step: ask the pure flow to decide, perform
 * the lookup it needs, and ask again with the answer until it responds. The cap stops a flow
 * that keeps asking (a bug) from holding the call.
 */
import type { Respond } from '../flow/module-visit';

export async function runWithLookups<L extends object, N>(opts: {
  readonly decide: (lookups: Partial<L>) => { readonly kind: 'need'; readonly need: N } | Respond;
  readonly lookup: (need: N) => Promise<Partial<L>>;
  readonly maxLookups: number;
  readonly flowName: string;
}): Promise<Respond> {
  let lookups: Partial<L> = {};
  for (let i = 0; i <= opts.maxLookups; i += 1) {
    const decision = opts.decide(lookups);
    if (decision.kind === 'respond') return decision;
    lookups = { ...lookups, ...(await opts.lookup(decision.need)) };
  }
  throw new Error(`${opts.flowName} asked for more lookups than a step allows`);
}
