/**
 * @module print_lab
 *
 * Photo Printer's print lab, acting AS ITSELF (Client Credentials, RFC 6749 §4.4; steps 2, 6, 7, 8 of the notes):
 * it fetches Drive's sample gallery (test-print images) with a token whose subject is the printer's print-lab
 * client, and, to make the lesson concrete, tries to read a user's photos with the same token, which Drive
 * refuses (403 insufficient_scope): a token without a user opens no user's photos.
 *
 * The print lab's token is the printer's own, not a user's: one per printer, kept in memory and reused until it
 * expires (there is no refresh token: the lab simply asks again, RFC 6749 §4.4.3).
 */
import { type ShownClaims, decodeClaimsForDisplay, fingerprint } from '@oauth-demo/tokens';
import type { PrintLabRegistration } from './config.js';
import { type DriveAnswer, type DriveClient, PHOTO_ID } from './drive_client.js';
import { TokenRequestFailed } from './errors.js';
import { type ClientCredentialsAnswer, requestClientCredentialsToken } from './oauth/client_credentials.js';
import type { TokenEndpointDeps } from './oauth/token_endpoint.js';

export interface GalleryItem {
  id: string;
  title: string;
  content_url?: string;
  content_type?: string;
}

/** What one press of the button did, for the page. No token in here: it goes into the session. */
export interface PrintLabRun {
  at: number;
  token: {
    endpoint: string;
    shownRequest: string;
    status: number;
    fields: string[];
    error?: { code: string; description?: string };
    fingerprint?: string;
    scope?: string;
    expiresAt?: number | null;
    refreshToken: boolean;
    /** Decoded for display, not verified. */
    claims?: ShownClaims;
  };
  gallery?: { answer: DriveAnswer; items: GalleryItem[] | null };
  photos?: DriveAnswer;
}

export const GALLERY_PATH = '/api/gallery';
export const PHOTOS_PATH = '/api/photos';

/** Refresh a cached token this long before it expires. */
const MARGIN_MS = 30_000;

export class PrintLab {
  private cached: { accessToken: string; expiresAt: number | null } | undefined;

  constructor(
    private readonly deps: Pick<TokenEndpointDeps, 'http' | 'metadata' | 'authInternalUrl'>,
    readonly registration: PrintLabRegistration,
    private readonly drive: DriveClient,
  ) {}

  /** The button: a fresh token request (the lesson is the request), then the two calls to Drive. */
  async run(now = Date.now()): Promise<PrintLabRun> {
    const answer = await requestClientCredentialsToken(this.deps, this.registration);
    const run: PrintLabRun = { at: now, token: describeAnswer(answer) };
    if (!answer.tokens) return run;
    const accessToken = answer.tokens.access_token;
    this.cached = { accessToken, expiresAt: answer.tokens.expiresAt };
    // Step 7: the same token, twice. Drive verifies it each time (step 8) and decides.
    const gallery = await this.drive.probe(GALLERY_PATH, accessToken);
    run.gallery = { answer: gallery, items: gallery.status === 200 ? parseGallery(gallery.json) : null };
    run.photos = await this.drive.probe(PHOTOS_PATH, accessToken);
    return run;
  }

  /** The print lab's current token (for the gallery thumbnails): reused until it expires, then asked for again. */
  async accessToken(now = Date.now()): Promise<string> {
    if (this.cached && (this.cached.expiresAt === null || this.cached.expiresAt - MARGIN_MS > now))
      return this.cached.accessToken;
    const answer = await requestClientCredentialsToken(this.deps, this.registration);
    if (!answer.tokens)
      throw new TokenRequestFailed(
        answer.error?.code ?? `HTTP ${answer.status}`,
        answer.error?.description,
        'client_credentials',
      );
    this.cached = { accessToken: answer.tokens.access_token, expiresAt: answer.tokens.expiresAt };
    return this.cached.accessToken;
  }

  forgetToken(): void {
    this.cached = undefined;
  }
}

function describeAnswer(answer: ClientCredentialsAnswer): PrintLabRun['token'] {
  const token: PrintLabRun['token'] = {
    endpoint: answer.endpoint,
    shownRequest: answer.shownRequest,
    status: answer.status,
    fields: answer.fields,
    refreshToken: answer.fields.includes('refresh_token'),
  };
  if (answer.error) {
    token.error = { code: answer.error.code };
    if (answer.error.description) token.error.description = answer.error.description;
  }
  if (answer.tokens) {
    token.fingerprint = fingerprint(answer.tokens.access_token);
    token.scope = answer.tokens.scope;
    token.expiresAt = answer.tokens.expiresAt;
    const claims = decodeClaimsForDisplay(answer.tokens.access_token);
    if (claims) token.claims = claims;
  }
  return token;
}

/** Drive's gallery, `{ photos: [...] }` like /api/photos; null when the answer is not that shape. */
function parseGallery(json: unknown): GalleryItem[] | null {
  if (typeof json !== 'object' || json === null || !('photos' in json) || !Array.isArray(json.photos)) return null;
  const items: GalleryItem[] = [];
  for (const value of json.photos.slice(0, 100)) {
    if (typeof value !== 'object' || value === null) continue;
    const v = value as Record<string, unknown>;
    const id = typeof v.id === 'number' ? String(v.id) : v.id;
    if (typeof id !== 'string' || !PHOTO_ID.test(id)) continue;
    const item: GalleryItem = { id, title: typeof v.title === 'string' && v.title.trim() ? v.title.slice(0, 200) : id };
    if (typeof v.content_url === 'string') item.content_url = v.content_url;
    if (typeof v.content_type === 'string') item.content_type = v.content_type;
    items.push(item);
  }
  return items;
}
