/**
 * @module context
 *
 * What the routes share, built once by createApp() (no module-level singletons, so tests can run several apps).
 */
import type { DemoKey, Recorder } from '@oauth-demo/teaching';
import type { BackChannel } from '@oauth-demo/back-channel';
import type { PrinterConfig } from './config.js';
import type { OrderRepository } from './db.js';
import type { DriveClient } from './drive_client.js';
import type { ExerciseRepository } from './exercises.js';
import type { MetadataClient } from './oauth/metadata.js';
import type { TokenEndpointDeps } from './oauth/token_endpoint.js';
import type { PrintLab } from './print_lab.js';

export interface AppContext {
  config: PrinterConfig;
  metadata: MetadataClient;
  tokenEndpoint: TokenEndpointDeps;
  drive: DriveClient;
  orders: OrderRepository;
  /** Exercises the demo checked, per learner (issue 18 item 3). */
  exercises: ExerciseRepository;
  ordersDir: string;
  /** The print lab acting as itself (Client Credentials): one per printer, its token kept in memory. */
  printLab: PrintLab;
  /** The printer's own side of each flow (front-channel hops it serves, back-channel calls it makes), for /timeline. */
  recorder: Recorder;
  /** The back channel itself, for the timeline's and the inspector's own (untraced) calls. */
  backChannel: BackChannel;
  /**
   * The inspector's claims editor signs with this learner-visible ES256 key (made at start-up, public JWK on the
   * page): never the auth server's key, which Photo Printer does not have.
   */
  demoKey: Promise<DemoKey>;
}
