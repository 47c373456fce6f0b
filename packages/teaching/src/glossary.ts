/**
 * @module glossary
 *
 * The notes' five terms, each mapped to what the learner has on screen now (shown in the teaching panel).
 */

export interface GlossaryEntry {
  term: string;
  notes: string;
  now: string;
}

export interface GlossaryContext {
  /** The client's connection to Drive, when it has one: its access token (for `sub`) and granted scope. */
  connection?: { access_token: string; scope: string };
  clientId: string;
  drivePublicUrl: string;
  /** The auth server's public URL: the issuer. */
  authPublicUrl: string;
}

/** The notes' five terms, mapped to what this learner has on screen now. */
export function glossary(ctx: GlossaryContext): GlossaryEntry[] {
  const c = ctx.connection;
  let owner = 'you, once signed in on the Auth server (alice or bob)';
  const payload = c?.access_token.split('.')[1];
  if (payload) {
    try {
      const sub = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub;
      if (typeof sub === 'string') owner = `${sub.slice(0, 60)} (the sub of Photo Printer’s access token)`;
    } catch {
      // keep the generic wording
    }
  }
  return [
    {
      term: 'Resource',
      notes: 'The thing to be accessed: the photo.',
      now: c
        ? `your photos on Drive, scope ${c.scope}`
        : 'the photos on Drive (not reachable by Photo Printer until you connect)',
    },
    { term: 'Resource Owner', notes: 'The person who owns the resource.', now: owner },
    {
      term: 'Resource Server',
      notes: 'The server hosting the resources (the notes: Google Drive).',
      now: `Drive at ${ctx.drivePublicUrl}`,
    },
    {
      term: 'Client',
      notes: 'The application that needs access (the notes: the photo printing service).',
      now: `Photo Printer (this site), client_id ${ctx.clientId}`,
    },
    {
      term: 'Authorization Server',
      notes: 'The server issuing access tokens to the client.',
      now: `Auth server, issuer ${ctx.authPublicUrl}`,
    },
  ];
}
