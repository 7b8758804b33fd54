import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{b as t,e,f as i,g as s,h as c,i as g,j as u,k as d}from"./chunk-ZYK65CK6.js";var a=/\r\n|[\r\n\u0085\u2028\u2029]/,m=/^[\s\u0085\u180e\u200b\ufeff]*/;function l(r){return r.split(a).some(n=>n.replace(m,"").startsWith("::")||n.includes("##["))}function p(r){if(!l(r))return r;let n,{randomBytes:S}=process.getBuiltinModule("node:crypto");do n=`safe-deploy-${S(16).toString("hex")}`;while(r.includes(n));let o=r.endsWith(`
`);return`::stop-commands::${n}
${o?r:`${r}
`}::${n}::${o?`
`:""}`}function b(r){u(p(String(r)))}function h(r){c(String(r))}function x(r){s(String(r))}function I(r){g(String(r))}function $(r){i(String(r))}function v(r,n){return d(String(r),n)}function y(r){e(String(r))}function B(r,n=process.env){return n.GITHUB_ACTIONS==="true"?p(r):r}function R(r){!r||!r.trim()||f.has(r)||(f.add(r),t(r))}var E=Symbol.for("safe-deploy.registered-secrets"),f=globalThis[E]??=new Set;export{b as a,h as b,x as c,I as d,$ as e,v as f,y as g,B as h,R as i};
