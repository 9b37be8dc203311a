import { BOT_CAPABILITIES } from '@mb/contracts/telegram';
import type { UserFromGetMe } from 'grammy/types';

/** Bot identity used when no token is configured. */
export const SANDBOX_BOT: UserFromGetMe = {
  id: 7000000001,
  is_bot: true,
  first_name: 'Marketing Bot (sandbox)',
  username: 'marketing_sandbox_bot',
  ...BOT_CAPABILITIES,
};
