import { parseBalanceModule, type BalanceModule, type BalanceModuleInput, type Destination } from '../../lib/config/module-schema';
import type { BalanceFlowContext } from '../../lib/flow/balance-flow';
import type { FlowInput } from '../../lib/flow/module-visit';

export function moduleFixture(overrides: Partial<BalanceModuleInput> = {}): BalanceModule {
  const parsed = parseBalanceModule({ code: 'bal', name: 'Balance', language: 'en', nextDestination: 'next', errorDestination: 'err', ...overrides });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

export const NEXT: Destination = { type: 'dial', code: 'next', target: '+982191000000' };
export const ERROR: Destination = { type: 'hangup', code: 'err' };

export function contextFor(module: BalanceModule, destinations: BalanceFlowContext['destinations'] = { next: NEXT, error: ERROR }): BalanceFlowContext {
  return {
    module,
    destinations,
    moduleUrl: (code) => `https://ivr.example.com/voice/${code}`,
    stepUrl: (step, turn) => `https://ivr.example.com/voice/${module.code}/${step}?t=${turn}`,
    now: new Date('2026-11-27T10:00:00Z'),
    sessionTtlSeconds: 3600,
  };
}

export const CALL_SID = 'CA00000000000000000000000000000001';
export const entryInput = (from = '+15005550001'): FlowInput => ({ step: 'entry', callSid: CALL_SID, from, to: '+15550001000' });
