import { internalProcedure, router } from '@mb/service-kit';
import { TelegramId } from '@mb/contracts';
import { z } from 'zod';
import { userByTelegramId } from '../domain/users.ts';
import type { SheetsDeps } from './deps.ts';

export const usersRouter = ({ wb }: SheetsDeps) =>
  router({
    byTelegramId: internalProcedure.input(z.object({ telegramId: TelegramId })).query(({ input }) => userByTelegramId(wb, input.telegramId)),
  });
