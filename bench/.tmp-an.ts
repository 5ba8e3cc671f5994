import { analyseBundle } from '/work/wt/pass2-a/bench/bundle-analysis';
(async () => {
  for (const e of process.argv.slice(2)) {
    const r = await analyseBundle(e);
    console.log(e, (r.bytes/1024).toFixed(1), 'KB');
    const rows = Object.entries(r.byPackage).sort((a,b)=>b[1]-a[1]);
    for (const [k,v] of rows) if (v>500) console.log('  ', (v/1024).toFixed(1).padStart(7), k);
  }
})();
