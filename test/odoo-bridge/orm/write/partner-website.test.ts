import { describe, expect, it } from 'vitest';
import { cleanWebsite } from '../../../../odoo-bridge/orm/write/core/res-partner.ts';

describe('res.partner _clean_website', () => {
  it.each([
    ['golden.test', 'http://golden.test'], // golden seq_partner#35
    ['www.example.com/shop?x=1#top', 'http://www.example.com/shop?x=1#top'],
    ['//cdn.example.com', 'http://cdn.example.com'],
    ['localhost:8069', 'http://localhost:8069'], // a port, not a scheme
    ['https://example.com', 'https://example.com'],
    ['ftp://files.example.com', 'ftp://files.example.com'],
    ['mailto:info@example.com', 'mailto:info@example.com'],
  ])('%s → %s', (given, stored) => {
    expect(cleanWebsite(given)).toBe(stored);
  });
});
