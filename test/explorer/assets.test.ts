import * as fs from 'fs';
import { ASSETS_FILE, bundleExplorer } from '../../scripts/bundle-explorer';

// The page is bundled ahead of time so the CLI needs no bundler; the bundle must match its sources.
test('src/explorer/assets.ts is up to date with src/explorer/page (npm run build:explorer)', async () => {
  expect(fs.readFileSync(ASSETS_FILE, 'utf8') === await bundleExplorer()).toBe(true);
});
