/**
 * @module drive_client
 *
 * Steps 7 and 8: Photo Printer calls Drive (the Resource Server) with `Authorization: Bearer <access token>`
 * (RFC 6750 §2.1); Drive checks the token and answers. Drive's errors follow RFC 6750 §3: 401 with
 * `WWW-Authenticate: Bearer error="invalid_token"`, 403 with `error="insufficient_scope"`.
 *
 * The token is only ever sent to Drive's own base URL. Drive's JSON names images by URL; a URL outside Drive
 * is refused rather than followed, or the printer would hand the user's token to whoever that URL names
 * (access token phishing by a counterfeit resource server, RFC 9700 §4.9.1).
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { ServiceUrls } from '@oauth-demo/web';
import { describeNetworkError, toInternalUrl } from '@oauth-demo/back-channel';
import { DriveAnswerInvalid, DriveRefusedToken, DriveUnreachable } from './errors.js';
import { NotFound, parseBearerChallenge } from '@oauth-demo/tokens';

export interface Photo {
  id: string;
  title: string;
  taken_on?: string;
  width?: number;
  height?: number;
  content_type: string;
  /** Drive's public URLs (the printer rewrites them to the internal base before calling). */
  href?: string;
  content_url: string;
}

export interface PhotoList {
  /** The Resource Owner, as Drive knows them (the token's subject). */
  owner: string;
  photos: Photo[];
}

export interface ImageBytes {
  bytes: Buffer;
  contentType: string;
}

/**
 * Photo ids as the printer accepts them from a form or a path: URL-safe characters, not starting with a dot
 * (so never `.` or `..`, which a URL parser would resolve to another path).
 */
export const PHOTO_ID = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,99}$/;

/** The image types a print lab takes. SVG is what Drive makes; see routes/images.ts for how it is served safely. */
const IMAGE_TYPES = new Set(['image/svg+xml', 'image/png', 'image/jpeg', 'image/webp', 'image/gif']);

export class DriveClient {
  constructor(
    private readonly http: AxiosInstance,
    private readonly drive: ServiceUrls,
  ) {}

  /** `GET /api/photos`: the token owner's photos. */
  async listPhotos(accessToken: string): Promise<PhotoList> {
    const response = await this.call<unknown>(`${this.drive.internalUrl}/api/photos`, accessToken, 'json');
    const body = response.data;
    if (typeof body !== 'object' || body === null || !('photos' in body) || !Array.isArray(body.photos)) {
      throw new DriveAnswerInvalid('Drive\'s photo list is not {"owner", "photos": [...]}.');
    }
    const owner = 'owner' in body && typeof body.owner === 'string' ? body.owner : '';
    if (!owner) throw new DriveAnswerInvalid('Drive\'s photo list does not say whose photos they are ("owner").');
    return { owner, photos: body.photos.map(parsePhoto) };
  }

  /** `GET /api/photos/:id`: one photo's metadata; NotFound when it is not the token owner's. */
  async getPhoto(accessToken: string, id: string): Promise<Photo> {
    if (!PHOTO_ID.test(id)) throw new NotFound('There is no such photo.');
    const response = await this.call<unknown>(
      `${this.drive.internalUrl}/api/photos/${encodeURIComponent(id)}`,
      accessToken,
      'json',
    );
    const photo = parsePhoto(response.data);
    if (photo.id !== id) throw new DriveAnswerInvalid(`Drive answered photo "${photo.id}" when asked for "${id}".`);
    return photo;
  }

  /** The image bytes: at the metadata's content_url when given, else `GET /api/photos/:id/content`. */
  async getContent(accessToken: string, photo: Photo | string): Promise<ImageBytes> {
    let url: string;
    if (typeof photo === 'string') {
      if (!PHOTO_ID.test(photo)) throw new NotFound('There is no such photo.');
      url = `${this.drive.internalUrl}/api/photos/${encodeURIComponent(photo)}/content`;
    } else {
      const internal = toInternalUrl(photo.content_url, this.drive);
      if (internal === null) {
        throw new DriveAnswerInvalid(
          `The image URL of "${photo.title}" is not on Drive; Photo Printer does not send your token elsewhere (RFC 9700 §4.9.1).`,
        );
      }
      url = internal;
    }
    const response = await this.call<ArrayBuffer>(url, accessToken, 'arraybuffer');
    const contentType =
      String(response.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim()
        .toLowerCase() ?? '';
    if (!IMAGE_TYPES.has(contentType))
      throw new DriveAnswerInvalid(`Drive sent "${contentType || 'no type'}" where an image was expected.`);
    return { bytes: Buffer.from(response.data), contentType };
  }

  /**
   * `GET <path>` on Drive's API with the token, and Drive's answer AS IT IS, refusals included: for pages whose
   * lesson is what Drive says (the print lab's 403). Network failures still throw DriveUnreachable.
   */
  async probe(path: string, accessToken: string): Promise<DriveAnswer> {
    const url = `${this.drive.internalUrl}${path}`;
    let response: AxiosResponse<ArrayBuffer>;
    try {
      response = await this.http.get<ArrayBuffer>(url, {
        responseType: 'arraybuffer',
        headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' },
      });
    } catch (error) {
      throw new DriveUnreachable(this.drive.internalUrl, describeNetworkError(error));
    }
    const text = Buffer.from(response.data ?? new ArrayBuffer(0)).toString('utf8');
    const contentType =
      String(response.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim()
        .toLowerCase() ?? '';
    const answer: DriveAnswer = {
      shownUrl: `${this.drive.publicUrl}${path}`,
      status: response.status,
      contentType,
      body: text.slice(0, MAX_SHOWN_BODY),
      truncated: text.length > MAX_SHOWN_BODY,
    };
    const challenge = response.headers['www-authenticate'];
    if (typeof challenge === 'string' && challenge) answer.wwwAuthenticate = challenge.slice(0, 500);
    if (contentType === 'application/json') {
      try {
        answer.json = JSON.parse(text) as unknown;
      } catch {
        // shown as text
      }
    }
    return answer;
  }

  private async call<T>(
    url: string,
    accessToken: string,
    responseType: 'json' | 'arraybuffer',
  ): Promise<AxiosResponse<T>> {
    let response: AxiosResponse<T>;
    try {
      response = await this.http.get<T>(url, {
        responseType,
        headers: {
          Authorization: `Bearer ${accessToken}`,
          Accept: responseType === 'json' ? 'application/json' : 'image/*',
        },
      });
    } catch (error) {
      throw new DriveUnreachable(this.drive.internalUrl, describeNetworkError(error));
    }
    if (response.status === 200) return response;
    if (response.status === 401 || response.status === 403) {
      // RFC 6750 §3: the reason is in the challenge, e.g. Bearer realm="drive", error="invalid_token",
      // error_description="The access token expired.". Without an error code, the status says which (§3.1).
      const challenge =
        parseBearerChallenge(response.headers['www-authenticate'] as string | string[] | undefined) ?? {};
      const code = challenge.error ?? (response.status === 401 ? 'invalid_token' : 'insufficient_scope');
      throw new DriveRefusedToken(code, challenge.error_description, challenge.scope);
    }
    if (response.status === 404) throw new NotFound('Drive has no such photo for you.');
    throw new DriveAnswerInvalid(`Drive answered HTTP ${response.status}.`);
  }
}

/** How much of an answer body a page shows. */
const MAX_SHOWN_BODY = 4000;

/** An answer of Drive as it came (see DriveClient.probe). */
export interface DriveAnswer {
  /** The public URL of what was asked (what a learner would type). */
  shownUrl: string;
  status: number;
  contentType: string;
  wwwAuthenticate?: string;
  body: string;
  truncated: boolean;
  json?: unknown;
}

function parsePhoto(value: unknown): Photo {
  if (typeof value !== 'object' || value === null)
    throw new DriveAnswerInvalid("A photo in Drive's answer is not an object.");
  const v = { ...(value as Record<string, unknown>) };
  if (typeof v.id === 'number' && Number.isSafeInteger(v.id)) v.id = String(v.id);
  if (typeof v.id !== 'string' || !PHOTO_ID.test(v.id))
    throw new DriveAnswerInvalid("A photo in Drive's answer has no usable id.");
  if (typeof v.content_url !== 'string') throw new DriveAnswerInvalid(`Photo "${v.id}" has no content_url.`);
  const photo: Photo = {
    id: v.id,
    title: typeof v.title === 'string' && v.title.trim() ? v.title.slice(0, 200) : v.id,
    content_type: typeof v.content_type === 'string' ? v.content_type : 'image/svg+xml',
    content_url: v.content_url,
  };
  if (typeof v.taken_on === 'string') photo.taken_on = v.taken_on.slice(0, 40);
  if (typeof v.width === 'number') photo.width = v.width;
  if (typeof v.height === 'number') photo.height = v.height;
  if (typeof v.href === 'string') photo.href = v.href;
  return photo;
}
