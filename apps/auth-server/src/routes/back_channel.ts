/**
 * @module routes/back_channel
 *
 * What every back-channel endpoint (token, introspection, revocation) shares, in one middleware: errors answered
 * as RFC 6749 §5.2 JSON, `Cache-Control: no-store` (§5.1), and a body that is a form (RFC 6749 §3.2 and
 * Appendix B, RFC 7662 §2.1, RFC 7009 §2.1), read into `req.body` by @oauth-demo/tokens `parseForm`.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { InvalidRequest, parseForm } from '@oauth-demo/tokens';
import { UnreadableRequest } from '@oauth-demo/web';

/** Another method than POST on a back-channel endpoint: HTTP 405, answered with an RFC 6749 §5.2 body. */
class MethodNotAllowed extends InvalidRequest {
  override readonly status = 405;
}

/**
 * After an endpoint's POST route: any other method (a browser opening /token, a GET with the parameters in the URL,
 * where they would be logged) is refused with 405, `Allow: POST` and JSON, not the HTML page of an unknown path.
 * RFC 6749 §3.2: "The client MUST use the HTTP POST method when making access token requests"; RFC 7662 §2.1 and
 * RFC 7009 §2.1 say POST too.
 */
export const postOnly: RequestHandler = (req, res) => {
  res.locals.jsonErrors = true;
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Allow', 'POST');
  throw new MethodNotAllowed(`${req.method} is not allowed here: send a POST with a form body.`);
};

/** No request of ours comes near it: a token request is a few hundred bytes. */
const MAX_BODY_BYTES = 10 * 1024;

export const backChannel: RequestHandler = async (req, res, next) => {
  res.locals.jsonErrors = true;
  // RFC 6749 §5.1: "Cache-Control: no-store" on every answer that carries tokens or credentials (and Pragma for
  // HTTP/1.0 caches); on errors too.
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  req.body = parseForm(await readFormBody(req));
  next();
};

/** The request's body as text, when it is a UTF-8 form of at most MAX_BODY_BYTES; invalid_request otherwise. */
async function readFormBody(req: IncomingMessage): Promise<string> {
  const [mediaType = '', ...parameters] = (req.headers['content-type'] ?? '').split(';');
  if (mediaType.trim().toLowerCase() !== 'application/x-www-form-urlencoded')
    throw new InvalidRequest('The body must be application/x-www-form-urlencoded.');
  const charset = parameters.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('charset='));
  if (charset !== undefined && charset !== 'charset=utf-8' && charset !== 'charset="utf-8"')
    throw new InvalidRequest('The form must be UTF-8 (RFC 6749 Appendix B).');
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity')
    throw new InvalidRequest('The form must be sent without a Content-Encoding.');
  if (Number(req.headers['content-length']) > MAX_BODY_BYTES) throw new UnreadableRequest(413);
  const body = await readAtMost(req, MAX_BODY_BYTES);
  try {
    return utf8.decode(body);
  } catch {
    throw new InvalidRequest('The form must be UTF-8 (RFC 6749 Appendix B).');
  }
}

/** Bytes that are not UTF-8 are refused, not replaced by U+FFFD and read as some other value. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as it arrives (with or without Content-Length), refused past `limit` bytes. The socket is left open:
 * what is not read when the answer is sent is discarded by node:http, so the client still reads its 413.
 */
function readAtMost(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => req.off('data', onData).off('end', onEnd).off('error', onBroken).off('close', onBroken);
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        stop();
        reject(new UnreadableRequest(413));
      }
    };
    const onEnd = () => {
      stop();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onBroken = () => {
      stop();
      reject(new UnreadableRequest(400)); // the client went away mid-body; nobody reads the answer
    };
    req.on('data', onData).on('end', onEnd).on('error', onBroken).on('close', onBroken);
  });
}
