import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeConfig } from '../../../server/config.ts';

describe('README configuration table', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

  it('documents every variable the config reads, with its default', () => {
    const missing = describeConfig()
      .filter((setting) => !readme.includes(`| \`${setting.name}\` | ${setting.default ? `\`${setting.default}\`` : '—'} |`))
      .map((setting) => setting.name);
    expect(missing).toEqual([]);
  });
});
