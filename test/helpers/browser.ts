/**
 * Headless Debian Chromium driven by playwright-core (Playwright cannot download its own
 * browser here; Playwright gives each launch a fresh temporary profile). Fake media
 * devices give the softphone a microphone (a beep) and grant the permission prompt;
 * background networking is off because this machine has no internet and Chromium would
 * otherwise keep retrying Google's hosts.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
