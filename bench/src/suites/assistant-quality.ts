import { qualityOnSeedData } from '@mb/assistant/eval';
import type { BenchRow, BenchSuite } from '../suite.ts';

/**
 * The assistant's offline answerer (lexical retrieval over the FAQ and the promotions the user's segment may see) on
 * the labelled question set in services/assistant/eval/questions.json, against the seeded demo workbook.
 */
const suite: BenchSuite = {
  name: 'assistant-quality',
  description:
    'offline answerer on the labelled ru/en question set: retrieval hit@1, hit@3, off-topic questions handed off (precision), answerable ones handed off',
  async run(ctx): Promise<BenchRow[]> {
    const r = await qualityOnSeedData();
    for (const miss of r.misses)
      ctx.log(
        `miss: ${JSON.stringify(miss.q)} expected ${miss.expect.join(', ') || 'a hand-off'}, got ${miss.got.join(', ') || 'nothing'}`,
      );
    for (const row of r.sweep)
      ctx.log(
        `coverage ≥ ${row.minCoverage.toFixed(2)}: off-topic handed off ${pct(row.offTopicHandedOff)}, answerable handed off ${pct(row.answerableHandedOff)}, answered right ${pct(row.answeredRight)}`,
      );
    const set = `${r.answerable} answerable + ${r.offTopic} off-topic questions`;
    const at = `coverage threshold ${r.minCoverage}`;
    return [
      { suite: this.name, metric: 'retrieval hit@1', value: r.hitAt1, unit: 'share', note: set },
      {
        suite: this.name,
        metric: 'retrieval hit@3',
        value: r.hitAt3,
        unit: 'share',
        goal: '≥ 0.9',
        pass: r.hitAt3 >= 0.9,
      },
      {
        suite: this.name,
        metric: 'off-topic handed off (precision)',
        value: r.offTopicHandedOff,
        unit: 'share',
        goal: '≥ 0.9',
        pass: r.offTopicHandedOff >= 0.9,
        note: at,
      },
      {
        suite: this.name,
        metric: 'answered with a right source first',
        value: r.answeredRight,
        unit: 'share',
        note: at,
      },
      { suite: this.name, metric: 'answerable handed off', value: r.answerableHandedOff, unit: 'share', note: at },
    ];
  },
};

const pct = (share: number) => `${Math.round(share * 100)}%`;

export default suite;
