/**
 * @module context
 *
 * What the routes share, built once by createApp() (no module-level singletons, so tests can run several apps).
 */
import type { PrinterConfig } from './config.js';
import type { OrderRepository } from './db.js';
import type { DriveClient } from './drive_client.js';
import type { MetadataClient } from './oauth/metadata.js';
import type { TokenEndpointDeps } from './oauth/token_endpoint.js';

export interface AppContext {
  config: PrinterConfig;
  metadata: MetadataClient;
  tokenEndpoint: TokenEndpointDeps;
  drive: DriveClient;
  orders: OrderRepository;
  ordersDir: string;
}
