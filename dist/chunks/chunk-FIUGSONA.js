import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
function i(n,e){return n===void 0||!Number.isFinite(n)?"—":e==="rate"?`${r(n*100,n*100<1?3:2)}%`:e==="seconds"?`${r(n*1e3,1)} ms`:String(Number(n.toPrecision(4)))}function m(n){return n===void 0?"":n<1e-4?"p < 0.0001":`p = ${Number(n.toPrecision(2))}`}function s(n){let e=n.unit==="rate"?`${n.samples} green requests`:`${n.samples} minutes of data`,t=`blue ${i(n.blue,n.unit)}, green ${i(n.green,n.unit)}`;if(n.state==="waiting")return`${t}: not enough samples yet (${n.samples} of ${n.minSamples} ${n.unit==="rate"?"green requests":"minutes"})`;let o=n.bound===void 0?"":` (at most ${i(n.bound,n.unit)})`,u=n.pValue===void 0?"":`, ${m(n.pValue)}`;return`${t}${o}, ${e}${u}`}function r(n,e){return n.toFixed(e)}export{i as a,m as b,s as c};
