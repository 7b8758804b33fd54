import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{b as t,e,f as i,g as s,h as c,i as u,j as g,k as d}from"./chunk-E4CCIZQA.js";import{randomBytes as m}from"node:crypto";var S=/\r\n|[\r\n\u0085\u2028\u2029]/,a=/^[\s\u0085\u180e\u200b\ufeff]*/;function l(r){return r.split(S).some(n=>n.replace(a,"").startsWith("::")||n.includes("##["))}function p(r){if(!l(r))return r;let n;do n=`safe-deploy-${m(16).toString("hex")}`;while(r.includes(n));let o=r.endsWith(`
`);return`::stop-commands::${n}
${o?r:`${r}
`}::${n}::${o?`
`:""}`}function h(r){g(p(String(r)))}function v(r){c(String(r))}function E(r){s(String(r))}function T(r){u(String(r))}function b(r){i(String(r))}function w(r,n){return d(String(r),n)}function A(r){e(String(r))}function B(r,n=process.env){return n.GITHUB_ACTIONS==="true"?p(r):r}function I(r){!r||!r.trim()||f.has(r)||(f.add(r),t(r))}var f=new Set;export{h as a,v as b,E as c,T as d,b as e,w as f,A as g,B as h,I as i};
