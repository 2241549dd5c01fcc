import * as fs from 'fs';
import * as path from 'path';
import { renderHtml } from '../../src/explorer';
import { DOCS, exampleExplorers } from '../../scripts/explorer-docs';
import { exampleClusters } from '../helpers';

// The committed example pages are what the current code makes of projects/ (npm run docs:explorer).
test.each([...exampleExplorers(exampleClusters())])('docs/%s is up to date (npm run docs:explorer)', (file, data) => {
  expect(fs.readFileSync(path.join(DOCS, file), 'utf8') === renderHtml(data)).toBe(true);
});

test('docs/explorer.png exists for the README', () => {
  expect(fs.statSync(path.join(DOCS, 'explorer.png')).size).toBeGreaterThan(20_000);
});
