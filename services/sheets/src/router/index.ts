import { internalProcedure, router } from '@mb/service-kit';
import { broadcastsRouter } from './broadcasts.ts';
import { catalogRouter } from './catalog.ts';
import type { SheetsDeps } from './deps.ts';
import { eventsRouter } from './events.ts';
import { participationsRouter } from './participations.ts';
import { statsRouter } from './stats.ts';
import { syncRouter } from './sync.ts';
import { ticketsRouter } from './tickets.ts';
import { unansweredRouter } from './unanswered.ts';
import { usersRouter } from './users.ts';
import { workbookRouter } from './workbook.ts';

export const createSheetsRouter = (deps: SheetsDeps) =>
  router({
    ping: internalProcedure.query(() => ({ ok: true as const })),
    catalog: catalogRouter(deps),
    users: usersRouter(deps),
    participations: participationsRouter(deps),
    events: eventsRouter(deps),
    broadcasts: broadcastsRouter(deps),
    stats: statsRouter(deps),
    tickets: ticketsRouter(deps),
    unanswered: unansweredRouter(deps),
    workbook: workbookRouter(deps),
    sync: syncRouter(deps),
  });

export type SheetsRouter = ReturnType<typeof createSheetsRouter>;
