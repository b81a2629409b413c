// Copies the non-TypeScript files the code reads at run time (SQL models, reference data)
// next to their compiled modules, so dist/ runs on its own.
import { cpSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { join, dirname, extname } from 'node:path';

const ASSET_EXTENSIONS = new Set(['.sql', '.json', '.html', '.css']);

function copyAssets(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) copyAssets(path);
    else if (ASSET_EXTENSIONS.has(extname(name))) {
      const target = join('dist', path);
      mkdirSync(dirname(target), { recursive: true });
      cpSync(path, target);
    }
  }
}

copyAssets('src');
