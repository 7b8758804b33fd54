import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a as y}from"./chunk-PPIU427G.js";import{d as r,g as p}from"./chunk-CKRJZ3C4.js";import{e as m}from"./chunk-OVSLOOZ7.js";var e=m(y(),1);function k(o,t,s){let i;try{i=JSON.parse(o)}catch(n){throw r(t,s,`not valid JSON (${p(o,n)})`)}let c=new e.LineCounter,a=(0,e.parseDocument)(o,{uniqueKeys:!0,prettyErrors:!1,lineCounter:c}).errors.find(n=>n.code==="DUPLICATE_KEY");if(a){let n=a.pos[0],l=/^"(?:[^"\\]|\\.)*"/.exec(o.slice(n))?.[0],u=l?JSON.parse(l):"?",{line:d,col:f}=c.linePos(n);throw r(t,s,`the key ${JSON.stringify(u)} appears twice in one object (again at line ${d}, column ${f}): JSON would keep only the last one; remove one of them`)}return i}export{k as a};
