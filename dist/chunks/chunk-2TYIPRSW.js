import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{e as r}from"./chunk-HFCXXLEB.js";import{a as i}from"./chunk-CKRJZ3C4.js";var c=".github/safe-deploy.yml";function a(n,t=e=>r({input:"config",kind:"pipeline file",path:e})){try{return t(n)}catch(e){throw e instanceof i&&e.message.endsWith(": no such file")||e.code==="ENOENT"?new i(`Pipeline file ${n} not found (pass its path, or create it: see docs/pipeline.md)`):e}}export{c as a,a as b};
