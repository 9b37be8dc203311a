/**
 * Whether a link from the Sheet may be shown to a user as a button: an absolute http(s) URL with a host and no
 * credentials. Anything else (`javascript:`, `data:`, `tg:`, a relative path, text) is never a link. One rule for the
 * bot's URL buttons and the Mini App, so neither can be tricked where the other holds. No zod: the webapp imports it.
 */
export function isWebLink(value: string | null | undefined): value is string {
  if (!value || value.length > 2048) return false;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return false;
  }
  return (
    (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' && !url.username && !url.password
  );
}
