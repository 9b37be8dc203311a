/**
 * The contract between `npm run bench` and its suites. A suite is a file `bench/src/suites/<name>.ts` whose default
 * export is a BenchSuite; the runner loads every such file, runs them in one process, one after the other, and
 * prints and saves their rows. Every figure is measured in the same run as its baseline, and reported as a ratio too.
 */
export type BenchRow = {
  suite: string;
  metric: string;
  value: number;
  unit: string;
  /** The goal as text, e.g. "≥ 5000" or "≤ 50 ms". */
  goal?: string;
  /** The same figure for the baseline measured in the same run, if there is one. */
  baseline?: number;
  ratio?: number;
  pass?: boolean;
  note?: string;
};

export type BenchContext = {
  /** Shorter runs (CI smoke), same code paths. */
  quick: boolean;
  log: (message: string) => void;
};

export type BenchSuite = {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
};
