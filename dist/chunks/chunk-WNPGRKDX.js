import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{b as f}from"./chunk-KDLYBRYK.js";import{b as t,e,f as i,g as s,h as c,i as g,j as u,k as d}from"./chunk-TF6VNC6M.js";var a=/\r\n|[\r\n\u0085\u2028\u2029]/,m=/^[\s\u0085\u180e\u200b\ufeff]*/;function l(r){return r.split(a).some(n=>n.replace(m,"").startsWith("::")||n.includes("##["))}function S(r){if(!l(r))return r;let n;do n=`safe-deploy-${f().randomBytes(16).toString("hex")}`;while(r.includes(n));let o=r.endsWith(`
`);return`::stop-commands::${n}
${o?r:`${r}
`}::${n}::${o?`
`:""}`}function h(r){u(S(String(r)))}function x(r){c(String(r))}function I(r){s(String(r))}function $(r){g(String(r))}function v(r){i(String(r))}function y(r,n){return d(String(r),n)}function R(r){e(String(r))}function w(r,n=process.env){return n.GITHUB_ACTIONS==="true"?S(r):r}function A(r){!r||!r.trim()||p.has(r)||(p.add(r),t(r))}var E=Symbol.for("safe-deploy.registered-secrets"),p=globalThis[E]??=new Set;export{h as a,x as b,I as c,$ as d,v as e,y as f,R as g,w as h,A as i};
