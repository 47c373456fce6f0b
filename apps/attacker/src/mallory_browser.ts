/**
 * @module mallory_browser
 *
 * Mallory's own browser, as code. For the CSRF scenario she needs an authorization code for HER account,
 * issued to the printer's lab copy. She does what anyone can do: she starts the flow at the auth server, signs in
 * with her own username and password, clicks Allow, and does NOT follow the last redirect; she keeps the URL
 * with the code instead. Nothing here is privileged: the same pages a learner clicks through, with a cookie jar.
 * Her HTTP client is the back channel of the other services (@oauth-demo/back-channel): it never follows a
 * redirect by itself, which is exactly what a browser that stops before the last hop needs.
 */
import { type BackChannel, describeNetworkError } from '@oauth-demo/back-channel';

type Http = BackChannel['http'];

interface Page {
  status: number;
  location: string | undefined;
  html: string;
}

class AuthFlowFailed extends Error {
  override readonly name = 'AuthFlowFailed';
}

interface Jar {
  cookies: Map<string, string>;
}

function remember(jar: Jar, setCookie: unknown): void {
  for (const line of Array.isArray(setCookie) ? (setCookie as string[]) : []) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    if (eq > 0) jar.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
  }
}

function cookieHeader(jar: Jar): string {
  return [...jar.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** The hidden CSRF field and the form's action on one of the auth server's pages. */
function formOf(html: string, actionEnds: string): { action: string; csrf: string } {
  const action = [...html.matchAll(/<form[^>]*action="([^"]+)"/g)]
    .map((m) => m[1]!)
    .find((a) => a.endsWith(actionEnds));
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !csrf) throw new AuthFlowFailed(`The auth server's page has no ${actionEnds} form.`);
  return { action: action.replace(/&amp;/g, '&'), csrf };
}

/**
 * Runs the front channel of an authorization request as a browser would, signed in as `username`, and returns
 * the URL the auth server sends the browser to at the end (the redirect_uri with `code` and `iss`).
 * `authorizeUrl` is the request as the browser would see it; `internalBase` is where this server reaches the
 * auth server (in docker-compose, another host than the browser's).
 */
export async function authorizeAs(
  authorizeUrl: string,
  internalBase: string,
  username: string,
  password: string,
  http: Http,
): Promise<string> {
  const jar: Jar = { cookies: new Map() };
  const publicOrigin = new URL(authorizeUrl).origin;
  const toInternal = (url: string): string => {
    const absolute = new URL(url, publicOrigin);
    return absolute.origin === publicOrigin ? `${internalBase}${absolute.pathname}${absolute.search}` : absolute.href;
  };
  const call = async (url: string, form?: Record<string, string>): Promise<Page> => {
    const target = toInternal(url);
    try {
      const response = await http.request<string>({
        method: form ? 'POST' : 'GET',
        url: target,
        responseType: 'text',
        headers: {
          accept: 'text/html',
          cookie: cookieHeader(jar),
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(form ? { data: new URLSearchParams(form).toString() } : {}),
      });
      remember(jar, response.headers['set-cookie']);
      const location: unknown = response.headers.location;
      return {
        status: response.status,
        location: typeof location === 'string' ? location : undefined,
        html: typeof response.data === 'string' ? response.data : '',
      };
    } catch (error) {
      throw new AuthFlowFailed(
        `The auth server did not answer at ${target.split('?')[0]}: ${describeNetworkError(error)}.`,
      );
    }
  };
  const location = (response: Page): string => {
    const to = response.location;
    if (!to || response.status < 300 || response.status > 399)
      throw new AuthFlowFailed(`The auth server answered ${response.status} where a redirect was expected.`);
    return new URL(to, publicOrigin).href;
  };

  // Step 2: the authorization request; the auth server keeps it and sends the browser to its sign-in page.
  let url = location(await call(authorizeUrl));
  for (let hop = 0; hop < 6; hop++) {
    if (new URL(url).origin !== publicOrigin) return url; // left the auth server: the answer, with the code
    const page = await call(url);
    if (page.status >= 300 && page.status < 400) {
      url = location(page); // consent remembered: straight to the redirect_uri
      continue;
    }
    const { html } = page;
    if (page.status !== 200) throw new AuthFlowFailed(`The auth server answered ${page.status}: ${html.slice(0, 200)}`);
    if (html.includes('name="password"')) {
      const form = formOf(html, '/login');
      url = location(await call(form.action, { csrf: form.csrf, username, password }));
    } else {
      const form = formOf(html, '/consent');
      url = location(await call(form.action, { csrf: form.csrf, decision: 'allow' }));
    }
  }
  throw new AuthFlowFailed('The auth server kept redirecting.');
}
