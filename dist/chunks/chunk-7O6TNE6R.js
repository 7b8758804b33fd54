import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a as i}from"./chunk-DJN2VXAE.js";async function d(a,r,s,l){let o=r.length?await a.describeAlarms(r):[],e=r.filter(t=>!o.some(f=>f.name===t));if(e.length)throw new i(`Input '${l}': ${e.map(t=>JSON.stringify(t)).join(", ")} ${e.length===1?"does":"do"} not exist in CloudWatch (an alarm that does not exist never fires: create it or fix the name)`);let m=(await Promise.all(s.map(t=>a.alarmsWithPrefix(t)))).flat(),n=new Map;for(let t of[...o,...m])n.set(t.name,t);return[...n.values()]}export{d as a};
