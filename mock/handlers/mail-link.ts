/** Where a mail's link points: the request's Host and X-Script-Name (upstream plugin_helpers/flask.py). */
import type { ConnectionParams } from '../state/mails.ts';
import type { HandlerContext } from './types.ts';

/** The connection parameters of the request a mail is sent for. */
export function connectionParams(context: HandlerContext): ConnectionParams {
  const out: ConnectionParams = {};
  const host = context.host ?? '';
  try {
    const url = new URL(`http://${host}`);
    if (url.hostname) out.hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (url.port) out.port = Number(url.port);
  } catch {
    // An unparseable Host: the link has no host, as upstream's urlsplit gives none.
  }
  if (context.scriptName) out.prefix = context.scriptName;
  return out;
}
