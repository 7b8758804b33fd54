import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a as l}from"./chunk-CKRJZ3C4.js";async function g(a,t,n,m){let[o,...s]=await Promise.all([t.length?a.describeAlarms(t):Promise.resolve([]),...n.map(e=>a.alarmsWithPrefix(e))]),d=new Set(o.map(e=>e.name)),r=[...new Set(t)].filter(e=>!d.has(e));if(r.length)throw new l(`Input '${m}': ${r.map(e=>JSON.stringify(e)).join(", ")} ${r.length===1?"does":"do"} not exist in CloudWatch (an alarm that does not exist never fires: create it or fix the name)`);let i=new Map;for(let e of[...o,...s.flat()])i.set(e.name,e);let c=n.filter((e,f)=>(s[f]??[]).length===0);return Object.assign([...i.values()],{unmatchedPrefixes:c})}export{g as a};
