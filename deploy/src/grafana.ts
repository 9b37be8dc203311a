/** A small builder for Grafana dashboard JSON (schema 39), so the dashboards stay short, uniform and reviewable. */

export const DATASOURCE = { type: 'prometheus', uid: 'prometheus' } as const;

export type Target = { expr: string; legend?: string };
export type PanelSpec = {
  title: string;
  description?: string;
  targets: Target[];
  /** Grafana unit: s, percentunit, reqps, ops, short, bytes, dateTimeFromNow … */
  unit?: string;
  type?: 'timeseries' | 'stat' | 'bargauge';
  /** Width in grid units (24 = full row); height is 8. */
  width?: number;
  stack?: boolean;
  /** Objective lines (a threshold drawn on the graph), in the panel's unit. */
  threshold?: number;
};
export type RowSpec = { row: string; panels: PanelSpec[] };

const rate = '$__rate_interval';
/** `rate(x[$__rate_interval])`: Grafana picks a window of at least four scrapes. */
export const r = (selector: string) => `rate(${selector}[${rate}])`;
/** p-quantile of a histogram by some labels. */
export const quantile = (q: number, metric: string, selector = '', by: string[] = []) =>
  `histogram_quantile(${q}, sum by (${['le', ...by].join(', ')}) (${r(`${metric}_bucket${selector ? `{${selector}}` : ''}`)}))`;

function panel(spec: PanelSpec, id: number, x: number, y: number) {
  const type = spec.type ?? 'timeseries';
  const thresholds = {
    mode: 'absolute',
    steps: [
      { color: 'green', value: null },
      ...(spec.threshold !== undefined ? [{ color: 'red', value: spec.threshold }] : []),
    ],
  };
  return {
    id,
    type,
    title: spec.title,
    ...(spec.description ? { description: spec.description } : {}),
    datasource: DATASOURCE,
    gridPos: { h: 8, w: spec.width ?? 12, x, y },
    targets: spec.targets.map((t, i) => ({
      datasource: DATASOURCE,
      refId: String.fromCharCode(65 + i),
      expr: t.expr,
      legendFormat: t.legend ?? '__auto',
      range: true,
    })),
    fieldConfig: {
      defaults: {
        unit: spec.unit ?? 'short',
        thresholds,
        ...(type === 'timeseries'
          ? {
              custom: {
                drawStyle: 'line',
                lineWidth: 1,
                fillOpacity: spec.stack ? 30 : 10,
                showPoints: 'never',
                stacking: { mode: spec.stack ? 'normal' : 'none', group: 'A' },
                thresholdsStyle: { mode: spec.threshold !== undefined ? 'line' : 'off' },
              },
            }
          : {}),
      },
      overrides: [],
    },
    options:
      type === 'timeseries'
        ? {
            legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
            tooltip: { mode: 'multi', sort: 'desc' },
          }
        : {
            reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
            orientation: 'auto',
            textMode: 'auto',
            colorMode: 'value',
          },
  };
}

/** A dashboard: rows of panels laid out left to right, wrapping at 24 units. */
export function dashboard(uid: string, title: string, description: string, rows: RowSpec[]) {
  const panels: unknown[] = [];
  let id = 1;
  let y = 0;
  for (const row of rows) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.row,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
      panels: [],
    });
    y += 1;
    let x = 0;
    for (const spec of row.panels) {
      const w = spec.width ?? 12;
      if (x + w > 24) {
        x = 0;
        y += 8;
      }
      panels.push(panel(spec, id++, x, y));
      x += w;
    }
    y += 8;
  }
  return {
    uid,
    title,
    description,
    tags: ['marketingbot'],
    timezone: 'browser',
    editable: true,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: { list: [] },
    annotations: { list: [] },
    links: [{ title: 'marketingbot', type: 'dashboards', tags: ['marketingbot'], asDropdown: false }],
    panels,
  };
}
