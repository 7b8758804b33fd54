import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
var n=class extends Error{name="UserError"};function o(r,e,i){return new n(`Input '${r}': ${s(e)} is not valid: ${i}`)}var t=200;function s(r){return r.length<=t?JSON.stringify(r):`${JSON.stringify(r.slice(0,t-40))}… (${r.length} characters)`}function g(r){return r instanceof Error?r.message:String(r)}export{n as a,o as b,s as c,g as d};
