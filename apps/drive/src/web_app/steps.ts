/**
 * @module web_app/steps
 *
 * The notes' steps, worded for the Password grant as Drive's own web app performs it (steps 1, 2, 6, 7, 8;
 * the notes: "Grant Type 4: Password ... Steps: 1, 2, 6, 7, 8"). The pages pass these as the `STEPS` local of
 * the shared step bar, so step 2 reads as what it is here: the app itself sends your password.
 */
import { STEPS, type Step, type StepNumber } from '@oauth-demo/teaching';

/** The steps of the notes the Password grant performs. */
export const PASSWORD_GRANT_STEPS: readonly StepNumber[] = [1, 2, 6, 7, 8];

/** The sign-in page performs steps 1 and 2; the photo page shows 6, 7 and 8. */
export const SIGN_IN_STEPS: StepNumber[] = [1, 2];
export const MY_PHOTOS_STEPS: StepNumber[] = [6, 7, 8];

const WORDING: Partial<Record<StepNumber, Pick<Step, 'title' | 'detail'>>> = {
  1: {
    title: "You ask Drive's own web app for your photos",
    detail: "You type your username and password into Drive's own sign-in page. Only a first party (the same company as the Auth server) may ever ask you for them.",
  },
  2: {
    title: "Drive's web app sends your password to the authorization server",
    detail:
      'Server to server, no redirect: POST to the token endpoint with grant_type=password, your username and password and scope=photos.read, authenticated as the client drive-web (HTTP Basic). Nobody shows you a consent screen.',
  },
  6: {
    title: "The authorization server issues a token to Drive's web app",
    detail: 'It checked your password and the client’s credentials, and returned an access token for you (sub), with scope photos.read and no refresh token.',
  },
  7: {
    title: "Drive's web app calls Drive's API with it",
    detail: 'The token stays on Drive’s server, in your session: your browser only holds a random session id (cookie drive.sid).',
  },
  8: {
    title: 'Drive verifies the token and serves your photos',
    detail: 'The same check as for any API call: signature (or introspection), issuer, audience, expiry, scope photos.read, and only the photos of the token’s sub.',
  },
};

/** The step bar's wording for this grant; the steps it skips (3, 4, 5) are marked as such. */
export const PASSWORD_STEP_WORDING: Record<StepNumber, Step> = Object.fromEntries(
  ([1, 2, 3, 4, 5, 6, 7, 8] as const).map((n) => {
    const base = STEPS[n];
    const own = WORDING[n];
    const step: Step = own
      ? { ...base, ...own }
      : { ...base, title: `Not in this grant: ${base.title.charAt(0).toLowerCase()}${base.title.slice(1)}`, detail: 'Skipped: no consent screen and no authorization code in the Password grant.' };
    return [n, step];
  }),
) as Record<StepNumber, Step>;
