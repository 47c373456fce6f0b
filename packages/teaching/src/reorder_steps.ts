/**
 * @module reorder_steps
 *
 * The step bar's wording for a re-order that needed a refresh: steps 5-6 happen again, without the user, with a
 * refresh token instead of a code (RFC 6749 §6), then 7-8 as always.
 */
import { STEPS, type Step, type StepNumber } from './steps.js';

export const REORDER_STEPS: Record<StepNumber, Step> = {
  ...STEPS,
  5: {
    ...STEPS[5],
    title: 'Photo Printer refreshes the expired access token',
    detail:
      'Step 5 again, without you: server to server, Photo Printer sends its refresh token (grant_type=refresh_token) to the token endpoint, authenticated with its client secret.',
  },
  6: {
    ...STEPS[6],
    title: 'The authorization server issues new tokens',
    detail: 'Step 6 again: a new access token, and a NEW refresh token (rotation). The old refresh token stops working at once.',
  },
  7: { ...STEPS[7], title: 'Photo Printer checks the photos with Drive again', detail: 'With the new access token: each photo of the order is fetched again, so only photos that are still yours are printed.' },
};
