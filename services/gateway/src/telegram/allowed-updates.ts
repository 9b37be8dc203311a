/**
 * The update types the bot asks Telegram for (setWebhook and getUpdates alike). Anything else (reactions, inline
 * queries, polls) is never sent, so it costs nothing; an unexpected type that arrives anyway is ignored.
 */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member'] as const;
