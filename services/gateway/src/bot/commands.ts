import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import { miniAppUrl } from './keyboards.ts';

type Translate = (locale: string, key: string) => string;
type Role = 'client' | 'manager' | 'admin';

/** Commands everyone sees (descriptions are locale keys `command-<name>`). */
export const CLIENT_COMMANDS = ['start', 'menu', 'promotions', 'help', 'mydata', 'forget'] as const;
/** What managers and admins see in their own chat, on top of the client's. */
export const STAFF_COMMANDS = ['pending'] as const;

const LOCALES = ['ru', 'en'] as const;

const described = (t: Translate, locale: string, names: readonly string[]): BotCommand[] =>
  names.map((command) => ({ command, description: t(locale, `command-${command}`) }));

/**
 * Start-up: the default command list (Russian; English for English clients) and the chat menu button that opens the
 * Mini App. Idempotent, so every replica may run it.
 */
export async function setupCommands(api: Api, t: Translate, publicUrl: string): Promise<void> {
  await api.setMyCommands(described(t, 'ru', CLIENT_COMMANDS));
  await api.setMyCommands(described(t, 'en', CLIENT_COMMANDS), { language_code: 'en' });
  await api.setChatMenuButton({
    menu_button: { type: 'web_app', text: t('ru', 'menu-button'), web_app: { url: miniAppUrl(publicUrl) } },
  });
}

/** A signed-in user's own command list follows the role: staff get the staff commands, clients the default list. */
export async function applyRoleCommands(
  api: Api,
  t: Translate,
  chatId: number,
  role: Role,
  locale: string,
): Promise<void> {
  const scope = { type: 'chat' as const, chat_id: chatId };
  if (role === 'client') {
    await api.deleteMyCommands({ scope });
    return;
  }
  const lang = (LOCALES as readonly string[]).includes(locale) ? locale : 'ru';
  await api.setMyCommands(described(t, lang, [...CLIENT_COMMANDS, ...STAFF_COMMANDS]), { scope });
}
