// A dark launch: the old code serves, the new code runs beside it, differences are recorded and
// judged against the noise the old code makes on its own.
// Run: node examples/node/dark-launch.mjs
import { init, experiment, diff, MismatchReport } from 'rollgate';

await init();
const oldCart = (id) => ({ id, total: 100 + id, currency: 'EUR', requestId: `r-${id}-a` });
const newCart = (id) => ({ id, total: id % 4 === 0 ? 101 + id : 100 + id, currency: 'EUR', requestId: `r-${id}-b` });

console.log(JSON.stringify(diff(oldCart(4), newCart(4)).differences));

const report = new MismatchReport();
for (let id = 0; id < 200; id++) {
  report.addNoise(oldCart(id), { ...oldCart(id), requestId: `r-${id}-c` }); // two runs of the old code
  const served = await experiment({ name: 'cart-v2', control: () => oldCart(id), candidate: async () => newCart(id), report });
  if (served.total !== 100 + id) throw new Error('experiment must return the control result');
}
for (const v of report.judge()) {
  console.log(`${v.field}: differed ${v.differed}/${v.comparisons}, noise ${v.noiseDiffered}/${v.noiseComparisons} -> ${v.real ? 'REAL regression' : 'noise'}`);
}
report.dispose();
