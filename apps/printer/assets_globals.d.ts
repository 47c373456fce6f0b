/**
 * What the two browser scripts in assets/ share through the page (typechecked by tsconfig.assets.json; the scripts
 * themselves are plain JavaScript with JSDoc types, served as written).
 */
interface Window {
  /** Set by quick_print.js when a token arrived: where single-page apps keep their token, readable by every script. */
  quickPrint?: { accessToken: string; flow: 'implicit' | 'code' };
}
