import { sloRuleFile } from './slo-rules.ts';

/** Every generated file, by path under deploy/. */
export function generatedFiles(): Record<string, string> {
  return {
    'prometheus/slo-rules.yml': sloRuleFile(),
  };
}
