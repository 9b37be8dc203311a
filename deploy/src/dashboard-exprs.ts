import { DASHBOARDS } from './dashboards.ts';

type Panel = { title: string; type: string; targets?: Array<{ expr: string }> };

/** Every PromQL expression of every dashboard, with where it is. */
export function dashboardExprs(): Array<{ where: string; expr: string }> {
  return Object.entries(DASHBOARDS).flatMap(([file, d]) =>
    (d as { panels: Panel[] }).panels.flatMap((p) =>
      (p.targets ?? []).map((t) => ({ where: `${file}: ${p.title}`, expr: t.expr })),
    ),
  );
}
