import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, MAX_PASSWORD_LENGTH, verifyDummy, verifyPassword } from '../../../server/agents/passwords.ts';

describe('password hashing (scrypt)', () => {
  it('stores scrypt$N$r$p$salt$hash with a 16-byte salt and a 64-byte key', async () => {
    const stored = await hashPassword('correct horse battery staple');
    const [scheme, n, r, p, salt, key] = stored.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', '16384', '8', '1']);
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
    expect(Buffer.from(key!, 'base64')).toHaveLength(64);
    expect(stored).not.toContain('correct horse');
  });

  it('verifies the right password and refuses any other', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
    expect(await verifyPassword('Correct horse battery staple', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash, so equal passwords give different hashes', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password', a)).toBe(true);
    expect(await verifyPassword('same password', b)).toBe(true);
  });

  it('treats composed and decomposed Unicode as the same password', async () => {
    const stored = await hashPassword('caf\u00e9-p\u00e4ssword');
    expect(await verifyPassword('cafe\u0301-pa\u0308ssword', stored)).toBe(true);
  });

  it('refuses malformed, tampered or too costly hashes without throwing', async () => {
    const stored = await hashPassword('password-123');
    const parts = stored.split('$');
    const key = Buffer.from(parts[5]!, 'base64');
    key[0] = key[0]! ^ 1;
    const tampered = [...parts.slice(0, 5), key.toString('base64')].join('$');
    expect(await verifyPassword('password-123', tampered)).toBe(false);
    expect(await verifyPassword('password-123', 'plain-text')).toBe(false);
    expect(await verifyPassword('password-123', stored.replace('scrypt$', 'bcrypt$'))).toBe(false);
    // N = 2^24 would need gigabytes: refused before any work.
    expect(await verifyPassword('password-123', stored.replace('$16384$', '$16777216$'))).toBe(false);
    expect(await verifyPassword('password-123', stored.replace('$16384$', '$1000$'))).toBe(false);
  });

  it('refuses a password longer than the limit without hashing it', async () => {
    const stored = await hashPassword('x'.repeat(MAX_PASSWORD_LENGTH));
    expect(await verifyPassword('x'.repeat(MAX_PASSWORD_LENGTH), stored)).toBe(true);
    expect(await verifyPassword('x'.repeat(MAX_PASSWORD_LENGTH + 1), stored)).toBe(false);
  });

  it('has a dummy verification for unknown users that always fails', async () => {
    expect(await verifyDummy('anything')).toBe(false);
    expect(await verifyDummy('x'.repeat(10_000))).toBe(false);
  });

  it('generates random 24-character passwords', () => {
    const a = generatePassword();
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(generatePassword()).not.toBe(a);
  });
});
