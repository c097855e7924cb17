import { build } from 'esbuild';
const entry = process.argv[2];
const r = await build({ entryPoints:[entry], bundle:true, platform:'node', format:'esm', target:'node24', minify:true, write:false, metafile:true, mainFields:['module','main'], outfile:'/tmp/x.mjs', logLevel:'silent'});
const out = Object.values(r.metafile.outputs)[0];
const totals = new Map();
for (const [input, {bytesInOutput}] of Object.entries(out.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input); const name = m?.[1] ?? input;
  totals.set(name, (totals.get(name)??0)+bytesInOutput);
}
console.log('total', out.bytes);
console.log([...totals].sort((a,b)=>b[1]-a[1]).slice(0, +(process.argv[3]??25)).map(([n,b])=>`${(b/1024).toFixed(1)}K ${n}`).join('\n'));
