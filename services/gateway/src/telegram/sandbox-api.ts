import type { UserFromGetMe } from 'grammy/types';

/** Bot identity used when no token is configured. */
export const SANDBOX_BOT: UserFromGetMe = {
  id: 7000000001,
  is_bot: true,
  first_name: 'Marketing Bot (sandbox)',
  username: 'marketing_sandbox_bot',
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
