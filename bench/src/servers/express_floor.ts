/**
 * @module servers/express_floor
 *
 * A reference for benchmark 2, not a competitor: the least an express 5 token endpoint can do. It parses the
 * same form body with the same parser settings as the auth server's back channel and answers a token response
 * of the same size, with no client lookup, no signature and no database. Its req/s is the ceiling of any token
 * endpoint built on express on this machine: if it is below 1.5 × the peer, so is ours, whatever we optimise.
 */
import { createServer } from 'node:http';
import express from 'express';

const port = Number(process.env.BENCH_LISTEN_PORT);
const fakeToken = `${'e'.repeat(36)}.${'p'.repeat(330)}.${'s'.repeat(86)}`; // the size of our ES256 access tokens

const app = express();
app.disable('x-powered-by');
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.post('/token', express.urlencoded({ extended: false, limit: '10kb', parameterLimit: 50 }), (req, res) => {
  res.set('Cache-Control', 'no-store');
  res.json({ access_token: fakeToken, token_type: 'Bearer', expires_in: 600, scope: String(req.body?.scope ?? '') });
});

const server = createServer(app).listen(port, '127.0.0.1', () => console.log(`express floor on 127.0.0.1:${port}`));
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
