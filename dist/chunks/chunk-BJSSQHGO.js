import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{b as t,e,f as i,h as s,i as c,j as u,k as g}from"./chunk-E4CCIZQA.js";import{randomBytes as p}from"node:crypto";var m=/\r\n|[\r\n\u0085\u2028\u2029]/,S=/^[\s\u0085\u180e\u200b\ufeff]*/;function a(r){return r.split(m).some(n=>n.replace(S,"").startsWith("::")||n.includes("##["))}function f(r){if(!a(r))return r;let n;do n=`safe-deploy-${p(16).toString("hex")}`;while(r.includes(n));let o=r.endsWith(`
`);return`::stop-commands::${n}
${o?r:`${r}
`}::${n}::${o?`
`:""}`}function h(r){u(f(String(r)))}function v(r){s(String(r))}function E(r){c(String(r))}function T(r){i(String(r))}function b(r,n){return g(String(r),n)}function w(r){e(String(r))}function A(r,n=process.env){return n.GITHUB_ACTIONS==="true"?f(r):r}function B(r){!r||!r.trim()||d.has(r)||(d.add(r),t(r))}var d=new Set;export{h as a,v as b,E as c,T as d,b as e,w as f,A as g,B as h};
