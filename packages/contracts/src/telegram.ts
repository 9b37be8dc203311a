/**
 * What the gateway and the doubles of Telegram (@mb/testing) must agree on about the Bot API, so that a test double
 * limits and answers as the gateway expects. Plain data: no zod.
 */

/** Bot API methods that put a message into a chat: each counts against Telegram's sending limits. */
export const MESSAGE_SENDING_METHODS: ReadonlySet<string> = new Set([
  'sendMessage',
  'sendPhoto',
  'sendDocument',
  'sendVideo',
  'sendAnimation',
  'sendAudio',
  'sendVoice',
  'sendVideoNote',
  'sendMediaGroup',
  'sendContact',
  'sendLocation',
  'sendVenue',
  'sendPoll',
  'sendDice',
  'sendSticker',
  'sendInvoice',
  'copyMessage',
  'copyMessages',
  'forwardMessage',
  'forwardMessages',
]);

/**
 * The capability fields of getMe's answer for our bot (beside id, is_bot, names): it joins groups, keeps privacy mode,
 * and has no inline mode, business connection, main Mini App or topics.
 */
export const BOT_CAPABILITIES = {
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};
