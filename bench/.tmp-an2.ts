import { build } from 'esbuild';
import { LAMBDA_BUILD_OPTIONS, ROOT } from './bundle-analysis';
(async () => {
  const r = await build({ ...LAMBDA_BUILD_OPTIONS, entryPoints: [ROOT + '/' + process.argv[2]], absWorkingDir: ROOT, metafile: true, write: false, outfile: '/tmp/x.js', logLevel: 'silent' });
  const out = Object.values(r.metafile.outputs)[0];
  const rows = Object.entries(out.inputs).filter(([f]) => !f.includes('node_modules')).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput);
  for (const [f, i] of rows) console.log((i.bytesInOutput / 1024).toFixed(1).padStart(6), f);
  // who imports what
  const want = process.argv.slice(3);
  for (const [f, i] of Object.entries(r.metafile.inputs)) for (const imp of i.imports) if (want.some((w) => imp.path.includes(w)) && !f.includes('node_modules')) console.log('IMPORT', f, '->', imp.path);
})();
